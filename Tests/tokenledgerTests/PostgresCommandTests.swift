import Foundation
import Testing

/// A throwaway PostgreSQL server for the command's tests (`tools/pg-test.sh`, stopped by its
/// watcher once this process ends), or why there is none.
enum PostgresForCommands {
  static let url: String? = {
    if let given = ProcessInfo.processInfo.environment["TOKENLEDGER_TEST_POSTGRES"], !given.isEmpty
    {
      return given
    }
    let output = NSTemporaryDirectory() + "tokenledger-cli-pg-\(getpid())"
    defer { unlink(output) }
    guard
      system("'\(CLI.repository)/tools/pg-test.sh' start \(getpid()) > '\(output)' 2>/dev/null")
        == 0
    else { return nil }
    return (try? String(contentsOfFile: output, encoding: .utf8))?
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }()

  static func ledger(_ prefix: String) -> String {
    url! + "&ledger=\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
  }
}

/// Every subcommand on a ledger on PostgreSQL, as on a file; many processes writing one ledger;
/// a writer killed in the middle of its transaction. (The library's tests compare the engines
/// operation by operation: PostgresEngineTests.)
@Suite(
  .enabled(
    if: PostgresForCommands.url != nil,
    "no PostgreSQL server: tools/pg-test.sh needs Debian's postgresql (apt-get install postgresql)")
)
struct PostgresCommandTests {
  @Test func everySubcommandWorksOnPostgreSQLAsOnAFile() throws {
    let directory = try CLI.temporaryDirectory()
    let file = directory + "/ledger.sqlite"
    let url = PostgresForCommands.ledger("cli")
    let fixture = CLI.fixture("staking/fet-staking-provider.json")
    for db in [file, url] {
      #expect(try CLI.run(["load", fixture, "--db", db]).exitCode == 0, "\(db)")
    }
    // Read-only commands print the same on both.
    for command in [
      ["balance", "--format", "json"], ["export"], ["assets", "--format", "json"],
      ["validators", "--asset", "FET", "--format", "json"],
      ["rewards", "--asset", "FET", "--format", "json"],
      ["history", "--account", "fetch14kn0kk33szpwus9nh8n87fjel8djx0y0gxe24k", "--format", "json"],
      ["balance", "--at", "3", "--format", "json"], ["replay"], ["replay", "--until", "9"],
    ] {
      let onFile = try CLI.run(command + ["--db", file])
      let onPostgres = try CLI.run(command + ["--db", url])
      #expect(onPostgres.exitCode == onFile.exitCode, "\(command): \(onPostgres.stderr)")
      #expect(onPostgres.stdout == onFile.stdout, "\(command)")
    }
    let audit = try CLI.run(["audit", "--db", url])
    #expect(audit.exitCode == 0, "\(audit.stdout) \(audit.stderr)")
    let report = try CLI.run(["report", "--html", directory + "/report.html", "--db", url])
    #expect(report.exitCode == 0, "\(report.stderr)")
    let liabilities = try CLI.run(
      ["liabilities", "--asset", "FET", "--out", directory + "/proof", "--db", url])
    #expect(liabilities.exitCode == 0, "\(liabilities.stderr)")
    // An export from PostgreSQL applies into a new file with the same journal.
    let exported = try CLI.run(["export", "--db", url])
    let copy = directory + "/copy.sqlite"
    #expect(try CLI.run(["init", "--db", copy]).exitCode == 0)
    #expect(try CLI.run(["apply", "--db", copy, "-"], stdin: exported.stdout).exitCode == 0)
    #expect(try info(copy, "headHash") as? String == info(url, "headHash") as? String)
  }

  @Test func importAndReconcileWorkOnPostgreSQLAsOnAFile() throws {
    let directory = try CLI.temporaryDirectory()
    let snapshot = CLI.fixture("real/subtensor-sample.json")
    for db in [directory + "/tao.sqlite", PostgresForCommands.ledger("tao")] {
      #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
      let defined = try CLI.run(
        ["apply", "--db", db, "-"],
        stdin:
          #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound"}"#
      )
      #expect(defined.exitCode == 0, "\(defined.stderr)")
      let imported = try CLI.run(
        ["import", "--db", db, "--kind", "subtensor-snapshot", snapshot, "--asset", "TAO"])
      #expect(imported.exitCode == 0, "\(imported.stderr)")
      let reconciled = try CLI.run(
        [
          "reconcile", "--db", db, "--kind", "subtensor-snapshot", snapshot, "--asset", "TAO",
          "--format", "json",
        ])
      #expect(reconciled.exitCode == 0, "\(db): \(reconciled.stderr)")
      #expect(reconciled.stdout.contains(#""mismatched":0"#), "\(reconciled.stdout)")
    }
  }

  @Test func aPasswordIsNeverShownAndForeignSchemasAreLeftAlone() throws {
    let url = PostgresForCommands.url!
    let ledger = "pw_\(UInt32.random(in: 0...UInt32.max))"
    let withPassword =
      url.replacing("tokenledger@", with: "tokenledger:S3C@RET@") + "&ledger=" + ledger
    let directory = try CLI.temporaryDirectory()
    for command in [
      ["init"], ["info"], ["info", "--format", "json"],
      ["report", "--html", directory + "/report.html"],
    ] {
      let result = try CLI.run(command + ["--db", withPassword])
      #expect(result.exitCode == 0, "\(command): \(result.stderr)")
      #expect(!(result.stdout + result.stderr).contains("RET"), "\(command)")
    }
    // A report of a ledger with an asset and no system account yet.
    let defined = try CLI.run(
      ["apply", "--db", withPassword, "-"],
      stdin: #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any"}"#)
    #expect(defined.exitCode == 0)
    let report = try CLI.run(["report", "--html", directory + "/report.html", "--db", withPassword])
    #expect(report.exitCode == 0, "\(report.stderr)")
    let page = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
    #expect(!page.contains("S3C") && page.contains("tokenledger:***@"))
    // A schema with a view and nothing else is not a ledger: refused, left as it was.
    let other = "view_\(UInt32.random(in: 0...UInt32.max))"
    #expect(
      try CLI.shell(
        "psql '\(url)' -qc 'CREATE SCHEMA \(other); CREATE VIEW \(other).important AS SELECT 1'")
        == 0)
    let refused = try CLI.run(["init", "--db", url + "&ledger=" + other])
    #expect(refused.exitCode == 3 && refused.stderr.contains("not a TokenLedger ledger"))
    #expect(
      try CLI.shell(
        "test \"$(psql '\(url)' -tAc \"SELECT count(*) FROM pg_class c JOIN pg_namespace n"
          + " ON n.oid = c.relnamespace WHERE n.nspname = '\(other)'\")\" = 1") == 0)
    // A dropped index is reported by the structural check.
    let tampered = PostgresForCommands.ledger("drop")
    #expect(
      try CLI.run(["load", CLI.fixture("examples/fet-basics.json"), "--db", tampered]).exitCode == 0
    )
    let schema = String(tampered.split(separator: "=").last!)
    #expect(try CLI.shell("psql '\(url)' -qc 'DROP INDEX \(schema).entries_by_kind'") == 0)
    let audit = try CLI.run(["audit", "--db", tampered])
    #expect(audit.exitCode == 1 && audit.stdout.contains("altered behind the library's back"))
    // So are foreign keys switched off.
    let untouched = PostgresForCommands.ledger("fk")
    #expect(
      try CLI.run(["load", CLI.fixture("examples/fet-basics.json"), "--db", untouched]).exitCode
        == 0)
    #expect(try CLI.run(["audit", "--db", untouched]).exitCode == 0)
    let fkSchema = String(untouched.split(separator: "=").last!)
    #expect(
      try CLI.shell("psql '\(url)' -qc 'ALTER TABLE \(fkSchema).postings DISABLE TRIGGER ALL'") == 0
    )
    #expect(try CLI.run(["audit", "--db", untouched]).exitCode == 1)
  }

  @Test func processesWritingOneLedgerKeepOneChain() async throws {
    let url = PostgresForCommands.ledger("procs")
    #expect(
      try CLI.run(
        ["apply", "--db", url, "-"],
        stdin: #"{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any"}"#
      ).exitCode == 3, "apply needs an existing ledger")
    try CLI.initWithAsset(url)
    let writers = 4
    let perWriter = 400
    let results = try await withThrowingTaskGroup(of: CLI.Result.self) { group in
      for writer in 0..<writers {
        group.addTask {
          var lines: [String] = []
          for index in 0..<perWriter {
            lines.append(
              #"{"op":"mint","asset":"T","to":"w\#(writer)","amount":"1","id":"w\#(writer)-\#(index)"}"#
            )
            // Ids every writer sends: each lands once.
            if index % 20 == 0 {
              lines.append(
                #"{"op":"mint","asset":"T","to":"all","amount":"1","id":"shared-\#(index)"}"#)
            }
          }
          return try CLI.run(
            ["apply", "--db", url, "--batch", "25", "-"], stdin: lines.joined(separator: "\n"))
        }
      }
      var collected: [CLI.Result] = []
      for try await result in group { collected.append(result) }
      return collected
    }
    for result in results { #expect(result.exitCode == 0, "\(result.stderr)") }
    let expected = 1 + writers * perWriter + perWriter / 20
    #expect(try info(url, "entries") as? Int == expected)
    let audit = try CLI.run(["audit", "--db", url])
    #expect(audit.exitCode == 0, "\(audit.stdout)")
  }

  @Test func aWriterKilledMidTransactionLeavesNothingHalfApplied() throws {
    let url = PostgresForCommands.ledger("kill")
    try CLI.initWithAsset(url)
    // One atomic batch of 20,000 operations, killed while it runs.
    let lines = (0..<20_000).map {
      #"{"op":"mint","asset":"T","to":"h\#($0 % 97)","amount":"1","id":"k-\#($0)"}"#
    }
    let input = NSTemporaryDirectory() + "tokenledger-kill-\(UUID().uuidString)"
    try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: input))
    defer { unlink(input) }
    let status = try CLI.shell(
      "'\(CLI.binary)' apply --db '\(url)' '\(input)' >/dev/null 2>&1 & pid=$!; sleep 1.5;"
        + " kill -9 $pid; wait $pid; test $? -eq 137")
    #expect(status == 0, "the writer was still running when killed")
    #expect(try info(url, "entries") as? Int == 1, "nothing of the killed batch")
    #expect(try CLI.run(["audit", "--db", url]).exitCode == 0)
    // The ledger takes writes again at once: the killed session's lock went with it.
    #expect(
      try CLI.run(
        ["apply", "--db", url, "-"],
        stdin: #"{"op":"mint","asset":"T","to":"h","amount":"1","id":"after"}"#
      ).exitCode == 0)
  }

  /// A field of `tokenledger info --format json`.
  private func info(_ db: String, _ key: String) throws -> Any? {
    let output = try CLI.run(["info", "--db", db, "--format", "json"]).stdout
    let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
    return object?[key]
  }
}
