import Foundation
import Testing

/// End to end: the built binary on fixtures and JSON Lines, checking stdout, stderr and the
/// contract's exit codes (0 clean, 1 findings, 2 invalid input, 3 I/O).
@Suite struct CommandTests {
  @Test func readmeFirstCommandLoadsTheShippedFixture() throws {
    let directory = try CLI.temporaryDirectory()
    let result = try CLI.run(["load", CLI.fixture("examples/fet-basics.json")], in: directory)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("ok   \(CLI.fixture("examples/fet-basics.json")): 6 operations"))
    #expect(FileManager.default.fileExists(atPath: directory + "/ledger.sqlite"))
    let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/ledger.sqlite")
    #expect(
      (attributes[.posixPermissions] as? Int) == 0o600, "a new ledger is private to its owner")
    let balance = try CLI.run(["balance", "--asset", "FET"], in: directory)
    #expect(
      CLI.collapsed(balance.stdout).contains("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed FET 749.5")
    )
  }

  @Test func loadExitsOneWhenAnExpectationFails() throws {
    let directory = try CLI.temporaryDirectory()
    let fixture = directory + "/wrong.json"
    try
      #"{"format":"tokenledger-fixture/1","assets":[{"symbol":"T","decimals":0,"addressScheme":"any"}],"operations":[{"op":"mint","asset":"T","to":"a","amount":"5"}],"expect":{"balances":[{"account":"a","asset":"T","available":"6"}]}}"#
      .write(toFile: fixture, atomically: true, encoding: .utf8)
    let result = try CLI.run(["load", "--db", directory + "/l.sqlite", fixture])
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("a T available: expected 6, actual 5"))
    let json = try CLI.run(["load", "--db", directory + "/m.sqlite", "--format", "json", fixture])
    #expect(json.exitCode == 1)
    #expect(try CLI.json(json.stdout)["ok"] as? Bool == false)
  }

  @Test func applyIsAtomicAndNamesTheBadLine() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    let lines = """
      {"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any"}
      {"op":"mint","asset":"T","to":"a","amount":"5"}
      {"op":"transfer","asset":"T","from":"a","to":"b","amount":"1.234"}
      """
    let failed = try CLI.run(["apply", "--db", db, "-"], stdin: lines)
    #expect(failed.exitCode == 2)
    #expect(failed.stderr.contains("precisionExceeded: line 3: transfer T amount"))
    #expect(failed.stdout.isEmpty)
    let state = try CLI.run(["balance", "--db", db, "--format", "json"])
    #expect(
      state.stdout == #"{"balances":[],"tokenledger":{"schemaVersion":9,"version":"2.0.0"}}"#
        + "\n", "nothing was applied")
  }

  @Test func applyWithBatchesKeepsTheCommitsBeforeABadLine() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    _ = try CLI.run(["init", "--db", db])
    var lines = [#"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#]
    for index in 1...5 {
      lines.append(#"{"op":"mint","asset":"T","to":"a","amount":"1","id":"m\#(index)"}"#)
    }
    lines.append("{not json")
    let result = try CLI.run(
      ["apply", "--db", db, "--batch", "2", "-"], stdin: lines.joined(separator: "\n"))
    #expect(result.exitCode == 2)
    #expect(
      result.stdout.contains("committed through line 2: 2 operations, last entry 2, last id m1"))
    #expect(
      result.stdout.contains("committed through line 6: 2 operations, last entry 6, last id m5"))
    #expect(result.stderr.contains("line 7"))
    let balance = try CLI.run(["balance", "--db", db, "--account", "a", "--format", "json"])
    let rows = try CLI.json(balance.stdout)["balances"] as? [[String: String]]
    #expect(rows?.first?["available"] == "5")
  }

  @Test func exportThenApplyGivesTheSameDigest() throws {
    let directory = try CLI.temporaryDirectory()
    let first = directory + "/a.sqlite"
    let second = directory + "/b.sqlite"
    let loaded = try CLI.run([
      "load", "--db", first, "--format", "json", CLI.fixture("examples/tao-basics.json"),
    ])
    #expect(loaded.exitCode == 0, "\(loaded.stderr)")
    let exported = try CLI.run(["export", "--db", first])
    #expect(exported.exitCode == 0)
    _ = try CLI.run(["init", "--db", second])
    let applied = try CLI.run(
      ["apply", "--db", second, "--format", "json", "-"], stdin: exported.stdout)
    #expect(applied.exitCode == 0, "\(applied.stderr)")
    let original = try CLI.json(loaded.stdout)
    let copy = try CLI.json(applied.stdout)
    #expect(copy["stateDigest"] as? String == original["stateDigest"] as? String)
    #expect(copy["headHash"] as? String == original["headHash"] as? String)
  }

  @Test func missingAndForeignFilesAreIOErrors() throws {
    let directory = try CLI.temporaryDirectory()
    let missing = try CLI.run(["balance", "--db", directory + "/none.sqlite"])
    #expect(missing.exitCode == 3)
    #expect(missing.stderr.contains("no such ledger"))
    let text = directory + "/text.sqlite"
    try "this is not a database, just text that is long enough to have a header".write(
      toFile: text, atomically: true, encoding: .utf8)
    let notLedger = try CLI.run(["balance", "--db", text])
    #expect(notLedger.exitCode == 3)
    #expect(
      notLedger.stderr.contains("not a TokenLedger file") || notLedger.stderr.contains("corrupt"))
    let environment = try CLI.run(
      ["balance"], environment: ["TOKENLEDGER_DB": directory + "/env.sqlite"])
    #expect(environment.exitCode == 3 && environment.stderr.contains("env.sqlite"))
  }

  @Test func usageErrorsExitTwo() throws {
    let unknown = try CLI.run(["balance", "--bogus"])
    #expect(unknown.exitCode == 2)
    let batch = try CLI.run(["apply", "--batch", "0"])
    #expect(batch.exitCode == 2)
    let help = try CLI.run(["--help"])
    #expect(help.exitCode == 0 && help.stdout.contains("SUBCOMMANDS"))
  }

  @Test func historyListsTheEntriesOfAnAccount() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    _ = try CLI.run(["load", "--db", db, CLI.fixture("examples/tao-basics.json")])
    let history = try CLI.run([
      "history", "--db", db, "--account", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
      "--format", "csv",
    ])
    #expect(history.exitCode == 0)
    #expect(
      history.stdout.contains(
        "7,reward,tao-basics-6,TAO,460,,staked(5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y),2.05"
      ))
  }
}
