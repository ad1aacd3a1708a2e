import Foundation
import Testing

/// Every public declaration of the library says what it is: a `///` comment right above it
/// (attributes may stand between). DocC builds the archive from these (`.ci/run`).
@Suite struct DocumentationTests {
  @Test func everyPublicDeclarationHasADocComment() throws {
    let sources = Repository.root + "/Sources/TokenLedger"
    let files = try #require(FileManager.default.enumerator(atPath: sources)).compactMap {
      ($0 as? String).flatMap { $0.hasSuffix(".swift") ? $0 : nil }
    }
    #expect(files.count > 50)
    let declaration =
      #/^\s*public (static |final |convenience |mutating |nonisolated )*(func|var|let|struct|enum|class|init|subscript|protocol|typealias)\b/#
    var undocumented: [String] = []
    for file in files {
      let lines = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false)
      for (index, line) in lines.enumerated() where line.firstMatch(of: declaration) != nil {
        var above = index - 1
        while above >= 0, lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("@") {
          above -= 1
        }
        if above < 0 || !lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("///") {
          undocumented.append("\(file):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
        }
      }
    }
    #expect(
      undocumented.isEmpty,
      "\(undocumented.count) undocumented:\n\(undocumented.joined(separator: "\n"))")
  }
}
