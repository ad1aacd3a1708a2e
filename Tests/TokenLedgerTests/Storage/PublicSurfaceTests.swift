import Foundation
import Testing

/// The library cannot be used to go around the journal: nothing of the storage layer is public
/// (a client could `UPDATE balances` past the journal), only its error and the durability
/// setting. Tests that tamper reach it through `@testable import` or `package` access.
@Suite struct PublicSurfaceTests {
  static let allowed: Set<String> = ["DatabaseError.swift"]

  /// The engine module's only public API: the engine and its installation.
  static let engineSurface: Set<String> = [
    "public struct PostgreSQLEngine: ServerEngine {",
    "public static func install() { Database.install(PostgreSQLEngine()) }",
  ]

  @Test func theStorageLayerIsNotPublicAPI() throws {
    var exposed: [String] = []
    var files = 0
    for folder in ["/Sources/TokenLedger/Storage", "/Sources/TokenLedgerPostgres"] {
      let names = try FileManager.default.subpathsOfDirectory(atPath: Repository.root + folder)
        .sorted()
      for name in names where name.hasSuffix(".swift") && !Self.allowed.contains(name) {
        files += 1
        let text = try String(
          contentsOfFile: Repository.root + folder + "/" + name, encoding: .utf8)
        var insideDurability = false
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
          .enumerated()
        {
          if line.hasPrefix("public enum Durability") { insideDurability = true }
          if line.hasPrefix("}") { insideDurability = false }
          let trimmed = line.drop(while: { $0 == " " })
          if trimmed.hasPrefix("public ") && !insideDurability
            && !line.hasPrefix("public enum Durability")
            && !Self.engineSurface.contains(String(trimmed))
          {
            exposed.append("\(folder)/\(name):\(number + 1): \(trimmed)")
          }
        }
      }
    }
    #expect(files > 20, "the walk reaches both engines")
    #expect(exposed == [], "public declarations in the storage layer")
  }

  /// The core library links no PostgreSQL client: only the engine module imports libpq.
  @Test func onlyTheEngineModuleImportsLibpq() throws {
    let root = Repository.root + "/Sources/TokenLedger"
    var importing: [String] = []
    for name in try FileManager.default.subpathsOfDirectory(atPath: root)
    where name.hasSuffix(".swift") {
      let text = try String(contentsOfFile: root + "/" + name, encoding: .utf8)
      if text.contains("import CPostgres") { importing.append(name) }
    }
    #expect(importing == [])
    let manifest = try String(contentsOfFile: Repository.root + "/Package.swift", encoding: .utf8)
    let core = try #require(
      manifest.range(of: "name: \"TokenLedger\",\n      dependencies: ["),
      "the core target's dependency list")
    let coreDependencies = manifest[core.upperBound...].prefix { $0 != "]" }
    #expect(!coreDependencies.contains("CPostgres"), "TokenLedger's target links no libpq")
  }
}
