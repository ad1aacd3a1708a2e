import Foundation
import Testing

@testable import TokenLedger

/// `exportLines` verifies the hash chain on a connection of its own beside the writing, and
/// writes no line before the chain has verified through its entry.
@Suite struct ExportTests {
  static func fileLedger(entries: Int) throws -> (Ledger, String) {
    let path = FileManager.default.temporaryDirectory.path + "/export-\(UUID().uuidString).sqlite"
    let ledger = try Ledger.open(at: path, create: true)
    var lines = [#"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#]
    for index in 1..<entries {
      lines.append(#"{"op":"mint","asset":"T","to":"h\#(index % 97)","amount":"\#(index)"}"#)
    }
    try ledger.apply(jsonLines: lines)
    return (ledger, path)
  }

  @Test func anExportOfAFileIsTheJournalAndRebuildsIt() throws {
    let (ledger, path) = try Self.fileLedger(entries: 5_000)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var lines: [String] = []
    try ledger.exportLines { lines.append($0) }
    #expect(lines.count == 5_000)
    let copy = try makeLedger()
    try copy.apply(jsonLines: lines)
    #expect(try copy.summary() == ledger.summary())
    var first: [String] = []
    try ledger.exportLines(until: 1_500) { first.append($0) }
    #expect(first == Array(lines.prefix(1_500)))
  }

  /// An entry edited after it was written (its posting's amount) stops the export before
  /// that entry: the lines before it are out, none at or after it.
  @Test func anEditedEntryIsNeverCopied() throws {
    let (ledger, path) = try Self.fileLedger(entries: 5_000)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ledger.withConnection {
      try $0.executeScript("UPDATE postings SET amount = '7' WHERE entry_seq = 3500")
    }
    var written = 0
    #expect {
      try ledger.exportLines { _ in written += 1 }
    } throws: { error in
      "\(error)".contains("entry 3500 does not hash to its stored hash")
    }
    #expect(written <= 3_499, "nothing at or after entry 3500 written (\(written) lines)")
  }
}
