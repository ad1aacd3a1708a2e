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

  /// The contract and the token facts in the repository are the shared ones, byte for byte: a
  /// clone reads the same text the team agreed on (this build's own decisions are in
  /// docs/decisions.md). Skipped, saying so, where `../shared` is absent (a user's clone).
  @Test(arguments: ["contract.md", "domain.md"])
  func theRepositorysCopyIsTheSharedText(name: String) throws {
    let shared = Repository.root + "/../shared/" + name
    guard FileManager.default.fileExists(atPath: shared) else {
      print("skipped: \(shared) is absent (a clone outside the team's workspace)")
      return
    }
    let copy = try Data(contentsOf: URL(fileURLWithPath: Repository.root + "/docs/" + name))
    #expect(copy == (try Data(contentsOf: URL(fileURLWithPath: shared))), "docs/\(name)")
  }

  /// The README starts with the two commands a newcomer runs, and stays short (at most 200
  /// lines); the rest lives in docs/ and the changelog, linked from it.
  @Test func theReadmeStartsWithTheTwoCommandsAndStaysShort() throws {
    let readme = try String(contentsOfFile: Repository.root + "/README.md", encoding: .utf8)
    let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count <= 201, "\(lines.count) lines")
    let block =
      try #require(readme.components(separatedBy: "```sh\n").dropFirst().first)
      .components(separatedBy: "```").first ?? ""
    let commands = block.split(separator: "\n").map {
      $0.split(separator: "#").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }
    #expect(
      commands == ["swift run tokenledger load fixtures/examples/fet-basics.json", "swift test"])
    #expect(
      FileManager.default.fileExists(atPath: Repository.root + "/fixtures/examples/fet-basics.json")
    )
    for linked in [
      "docs/contract.md", "docs/guide.md", "docs/decisions.md", "CHANGELOG.md",
      "docs/benchmarks.md", "docs/design.md",
    ] {
      #expect(readme.contains("](\(linked))"), "\(linked) is linked")
      #expect(FileManager.default.fileExists(atPath: Repository.root + "/" + linked), "\(linked)")
    }
  }
}
