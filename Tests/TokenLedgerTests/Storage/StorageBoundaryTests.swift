import Foundation
import Testing

/// The storage boundary: SQL, and the question of which engine runs it, live in `Storage/`
/// only. Every other folder of the library asks the store in the domain's terms
/// (`Storage/Queries/`, `Storage/Writer/`), so that a reader finds every statement the library
/// runs in one folder, and the PostgreSQL engine's differences stay with the engine.
@Suite struct StorageBoundaryTests {
  /// What betrays SQL or an engine in a line of Swift: a string literal that opens with or
  /// holds a statement's keyword, a line of a multi-line literal that is a clause, a C call
  /// into SQLite, or a question about the engine. Word boundaries are the simple kind: in
  /// Unicode's, `database.serverEngine` is one word.
  static func betrays() -> [Regex<Substring>] {
    [
      #/"[^"]*\b(?:SELECT|INSERT|UPDATE|DELETE FROM|CREATE (?:TEMP|INDEX|TABLE)|PRAGMA|BEGIN|COMMIT|ROLLBACK|VACUUM|ATTACH|GLOB)\b/#,
      #/^\s*(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|FROM \w+ |WHERE |JOIN |ORDER BY )/#,
      #/\bsqlite3_\w+\(/#,
      #/\.engine\b|\bserverEngine\b|\.postgres\b|\bPostgresLocation\b/#,
    ].map { $0.wordBoundaryKind(.simple) }
  }

  /// The lines of `text` that betray SQL or an engine, comments left out.
  static func betrayingLines(_ text: String) -> [(line: Int, text: String)] {
    let patterns = betrays()
    var found: [(Int, String)] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("//") { continue }
      if patterns.contains(where: { line.firstMatch(of: $0) != nil }) {
        found.append((index + 1, trimmed))
      }
    }
    return found
  }

  /// The library's Swift files under `folder`, relative to it.
  static func swiftFiles(_ folder: String) throws -> [String] {
    try #require(FileManager.default.enumerator(atPath: folder)).compactMap {
      ($0 as? String).flatMap { $0.hasSuffix(".swift") ? $0 : nil }
    }.sorted()
  }

  @Test func noFileOutsideStorageHoldsSQLOrAsksForTheEngine() throws {
    let sources = Repository.root + "/Sources/TokenLedger"
    let files = try Self.swiftFiles(sources).filter { !$0.hasPrefix("Storage/") }
    #expect(files.count > 100)
    var offending: [String] = []
    for file in files {
      let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
      for (line, content) in Self.betrayingLines(text) {
        offending.append("\(file):\(line): \(content.prefix(100))")
      }
    }
    #expect(
      offending.isEmpty,
      "SQL or an engine outside Storage/ (move it behind a store method):\n\(offending.joined(separator: "\n"))"
    )
  }

  /// The detector finds what it is for: the statements in `Storage/`, and each kind of line it
  /// must refuse elsewhere (so that the test above cannot pass by seeing nothing).
  @Test func theDetectorSeesSQLAndEngineQuestions() throws {
    let storage = Repository.root + "/Sources/TokenLedger/Storage"
    var seen = 0
    for file in try Self.swiftFiles(storage) {
      seen +=
        Self.betrayingLines(
          try String(contentsOfFile: storage + "/" + file, encoding: .utf8)
        ).count
    }
    #expect(seen > 150)
    for line in [
      #"try database.execute("UPDATE assets SET paused = 1")"#,
      "      SELECT seq FROM entries",
      "      WHERE kind = 'price'",
      "guard database.engine == .postgres else { return }",
      "if let engine = database.serverEngine {",
      "sqlite3_step(handle)",
      #"let ids = "x NOT GLOB '@*'""#,
    ] {
      #expect(Self.betrayingLines(line).count == 1, "\(line)")
    }
    for line in [
      "/// Reads every entry (SELECT-free prose is allowed in comments: SELECT seq FROM entries)",
      "let selected = entries.filter { $0.isStaked }",
      "try database.forEachStoredPosting { posting in",
    ] {
      #expect(Self.betrayingLines(line).isEmpty, "\(line)")
    }
  }
}
