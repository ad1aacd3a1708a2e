import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

struct Load: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Apply fixture ledgers in order and check their expectations.",
    discussion: """
      Each fixture (tokenledger-fixture/1 JSON: assets, operations, expect) is applied \
      atomically, creating the ledger when needed. Exit 1 when an expectation is not met \
      (operations kept); 2 when an operation fails unexpectedly (nothing of that fixture kept); \
      a ledger file this command created is removed again when the first fixture fails (it \
      holds nothing then); a new ledger on PostgreSQL stays, empty.

      Examples:
        tokenledger load fixtures/examples/fet-basics.json
        tokenledger load fixtures/examples/fet-basics.json fixtures/examples/tao-basics.json
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Fixture files (tokenledger-fixture/1 JSON).")
  var fixtures: [String]

  func run() throws {
    try runReporting(global.format, "load") {
      // Every fixture is read and parsed before the ledger is opened, so that a missing or
      // malformed fixture leaves no new ledger file behind.
      var parsed: [(String, Fixture)] = []
      for path in fixtures {
        do {
          parsed.append((path, try Fixture(json: try readFile(path))))
        } catch let error as LedgerError {
          throw LedgerError(error.code, "\(path): \(error.message)")
        }
      }
      let created = !Ledger.isPostgreSQL(global.path) && access(global.path, F_OK) != 0
      try global.migrateIfFormatOne()
      let ledger = try Ledger.open(at: global.path, create: true)
      var finished = false
      defer {
        // A ledger this load created and left without an entry because a fixture failed is
        // removed: a failed load leaves nothing behind.
        if created, !finished, (try? ledger.summary().entries) == 0 {
          for suffix in ["", "-wal", "-shm"] { unlink(global.path + suffix) }
        }
      }
      var failed = false
      var reports: [JSONValue] = []
      for (path, fixture) in parsed {
        let report: FixtureReport
        do {
          report = try fixture.load(into: ledger)
        } catch let error as LedgerError {
          throw LedgerError(error.code, "\(path): \(error.message)")
        }
        failed = failed || !report.passed
        reports.append(
          .object([
            "fixture": .string(path), "ok": .bool(report.passed),
            "operations": .number(String(report.operationCount)),
            "failures": .array(report.failures.map { .string($0) }),
          ]))
        if global.format != .json {
          Output.line(
            "\(report.passed ? "ok  " : "FAIL") \(path): \(report.operationCount) operations")
          for failure in report.failures { Output.line("     \(failure)") }
        }
      }
      let summary = try ledger.summary()
      Output.committedNote =
        "the fixtures were applied (entries \(summary.entries), head \(summary.headHash)); only this report was lost"
      if global.format == .json {
        Output.json(
          .object([
            "ok": .bool(!failed), "fixtures": .array(reports),
            "entries": .number(String(summary.entries)),
            "headHash": .string(summary.headHash), "stateDigest": .string(summary.stateDigest),
          ]))
      } else {
        Output.line(
          "entries \(summary.entries)  head \(summary.headHash)  state \(summary.stateDigest)")
      }
      finished = true
      if failed { Output.error("load: expectations not met") }
      return failed ? 1 : 0
    }
  }
}

/// Reads a whole (small) file: fixtures are documents, not streams.
func readFile(_ path: String) throws -> [UInt8] {
  try LineReader.readWhole(path, bytesMax: Limits.fixtureBytesMax)
}
