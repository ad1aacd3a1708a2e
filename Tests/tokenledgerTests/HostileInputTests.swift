import Foundation
import Testing

/// Every file of `Tests/corpus/` (made by `tools/gen-hostile-corpus.py`: huge numbers, deep
/// nesting, invalid UTF-8, NUL bytes, SQL and paths in names, broken CSV and logs) is refused
/// with exit 2 and a message, and leaves the ledger exactly as it was.
@Suite(.serialized) struct HostileInputTests {
  static let corpus = CLI.repository + "/Tests/corpus"

  static func files(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpus + "/" + folder)) ?? []).sorted()
      .map {
        folder + "/" + $0
      }
  }

  static let all = ["apply", "load", "etherscan", "etl", "logs"].flatMap(files)

  static func arguments(for file: String, db: String) -> [String] {
    let path = corpus + "/" + file
    let strict = file.contains("strict") ? ["--strict"] : []
    switch file.split(separator: "/").first {
    case "apply": return ["apply", "--db", db, path]
    case "load": return ["load", "--db", db, path]
    case "etherscan":
      return ["import", "--db", db, "--kind", "etherscan-csv", "--asset", "FET", path] + strict
    case "etl": return ["import", "--db", db, "--kind", "etl-transfers", "--asset", "FET", path]
    default: return ["import", "--db", db, "--kind", "eth-logs", "--asset", "FET", path] + strict
    }
  }

  /// A ledger with FET (its real contract), 100 FET at one address, and its fingerprint.
  static func baseLedger() throws -> (db: String, fingerprint: String) {
    let db = try CLI.temporaryDirectory() + "/hostile.sqlite"
    _ = try CLI.run(["init", "--db", db])
    let setup = try CLI.run(
      ["apply", "--db", db, "-"],
      stdin: """
        {"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}
        {"op":"mint","asset":"FET","to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"100","height":5}
        """)
    #expect(setup.exitCode == 0, "\(setup.stderr)")
    return (db, try fingerprint(db))
  }

  static func fingerprint(_ db: String) throws -> String {
    let audit = try CLI.json(try CLI.run(["audit", "--db", db, "--format", "json"]).stdout)
    #expect(audit["ok"] as? Bool == true)
    return "\(audit["entries"] ?? "") \(audit["headHash"] ?? "") \(audit["stateDigest"] ?? "")"
  }

  @Test func theCorpusHasOverAHundredCases() {
    #expect(Self.all.count >= 100)
  }

  @Test func everyHostileInputIsRefusedAndChangesNothing() throws {
    let (db, before) = try Self.baseLedger()
    var accepted: [String] = []
    for file in Self.all {
      let result = try CLI.run(Self.arguments(for: file, db: db))
      if result.exitCode != 2 || result.stderr.isEmpty {
        accepted.append("\(file): exit \(result.exitCode) \(result.stderr.prefix(200))")
      }
    }
    #expect(accepted == [])
    #expect(try Self.fingerprint(db) == before, "no hostile input changed the ledger")
  }

  @Test func aTenMegabyteLineIsRefused() throws {
    let (db, before) = try Self.baseLedger()
    let line =
      #"{"op":"mint","asset":"FET","to":""# + String(repeating: "a", count: 10 << 20)
      + #"","amount":"1"}"#
    let result = try CLI.run(["apply", "--db", db, "-"], stdin: line)
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("line 1 of - is longer than the limit of 8388608 bytes"))
    #expect(try Self.fingerprint(db) == before)
  }

  @Test func namesThatLookLikeSQLAreStoredAndShownLiterally() throws {
    let db = try CLI.temporaryDirectory() + "/literal.sqlite"
    _ = try CLI.run(["init", "--db", db])
    let name = "robert'); DROP TABLE balances; --"
    let result = try CLI.run(
      ["apply", "--db", db, "-"],
      stdin: """
        {"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}
        {"op":"mint","asset":"T","to":"\(name)","amount":"7","id":"'; DELETE FROM entries; --"}
        """)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let balance = try CLI.json(try CLI.run(["balance", "--db", db, "--format", "json"]).stdout)
    #expect((balance["balances"] as? [[String: String]])?.first?["account"] == name)
    #expect(try CLI.run(["audit", "--db", db]).exitCode == 0)
  }
}
