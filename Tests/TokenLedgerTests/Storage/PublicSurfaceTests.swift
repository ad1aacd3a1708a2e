import Foundation
import Testing

/// The library cannot be used to go around the journal: nothing of the storage layer is public
/// (a client could `UPDATE balances` past the journal), only its error and the durability
/// setting. Tests that tamper reach it through `@testable import` or `package` access.
@Suite struct PublicSurfaceTests {
  static let allowed: Set<String> = ["DatabaseError.swift"]

  @Test func theStorageLayerIsNotPublicAPI() throws {
    let folder = Repository.root + "/Sources/TokenLedger/Storage"
    var exposed: [String] = []
    // Storage/ and its engine folders (Storage/PostgreSQL).
    let names = try FileManager.default.subpathsOfDirectory(atPath: folder).sorted()
    #expect(names.contains("PostgreSQL/PostgresConnection.swift"), "the walk reaches the engines")
    for name in names where name.hasSuffix(".swift") && !Self.allowed.contains(name) {
      let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
      var insideDurability = false
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
        .enumerated()
      {
        if line.hasPrefix("public enum Durability") { insideDurability = true }
        if line.hasPrefix("}") { insideDurability = false }
        let trimmed = line.drop(while: { $0 == " " })
        if trimmed.hasPrefix("public ") && !insideDurability
          && !line.hasPrefix("public enum Durability")
        {
          exposed.append("\(name):\(number + 1): \(trimmed)")
        }
      }
    }
    #expect(exposed == [], "public declarations in Storage/")
  }
}
