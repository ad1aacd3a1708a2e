import Foundation
import Testing
import TokenLedger

/// End to end: `audit`, `replay` and `checkpoint` on real files, with the contract's exit codes
/// and JSON, including a ledger edited behind the library's back.
@Suite struct AuditCommandTests {
  func loadedLedger() throws -> (directory: String, db: String) {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    let result = try CLI.run(["load", "--db", db, CLI.fixture("staking/fet-staking-provider.json")])
    #expect(result.exitCode == 0, "\(result.stderr)")
    return (directory, db)
  }

  @Test func aCleanLedgerAuditsAndReplaysClean() throws {
    let (_, db) = try loadedLedger()
    let audit = try CLI.run(["audit", "--db", db, "--format", "json"])
    #expect(audit.exitCode == 0, "\(audit.stdout)")
    let report = try CLI.json(audit.stdout)
    #expect(report["ok"] as? Bool == true)
    #expect((report["checks"] as? [[String: Any]])?.count == 17)
    let replay = try CLI.run(["replay", "--db", db, "--format", "json"])
    #expect(replay.exitCode == 0)
    let replayed = try CLI.json(replay.stdout)
    #expect(replayed["stateDigest"] as? String == report["stateDigest"] as? String)
    #expect((replayed["differences"] as? [Any])?.isEmpty == true)
    let past = try CLI.run(["replay", "--db", db, "--until", "12"])
    #expect(past.exitCode == 0, "\(past.stdout)")
  }

  @Test func anEditedBalanceIsFoundByAuditAndNamedByReplay() throws {
    let (_, db) = try loadedLedger()
    guard
      try CLI.sqlite3(
        db,
        "UPDATE balances SET amount = '547600000000000000000' WHERE amount = '547500000000000000000';"
      )
    else { return }
    let audit = try CLI.run(["audit", "--db", db])
    #expect(audit.exitCode == 1)
    #expect(CLI.collapsed(audit.stdout).contains("materializedBalances FAIL 1"))
    #expect(
      audit.stdout.contains(
        "account fetch16254fzc4yzuassvg08fffw8u6dxvf28fv9dnnx; bucket available; asset FET; expected 547.5; actual 547.6"
      ))
    #expect(audit.stderr.contains("audit: materializedBalances, conservation failed"))
    let replay = try CLI.run(["replay", "--db", db, "--format", "json"])
    #expect(replay.exitCode == 1)
    let differences = try CLI.json(replay.stdout)["differences"] as? [[String: String]]
    #expect(
      differences == [
        [
          "account": "fetch16254fzc4yzuassvg08fffw8u6dxvf28fv9dnnx", "asset": "FET",
          "bucket": "available",
          "stored": "547.6", "replayed": "547.5",
        ]
      ])
  }

  /// `audit` opens the ledger read-only, and SQLite skips CHECK constraints on read-only
  /// connections; the integrity check runs on a query-only writable connection so that an
  /// amount edited past its CHECK (constraints off, as in the sqlite3 shell) is still named.
  @Test func aRowEditedPastItsCheckConstraintIsNamedByTheCommandLineAudit() throws {
    let (_, db) = try loadedLedger()
    do {
      let database = try Database(path: db, mode: .existing)
      try database.executeScript("PRAGMA ignore_check_constraints = ON")
      try database.execute(
        "UPDATE postings SET amount = '0100' WHERE entry_seq = (SELECT min(entry_seq) FROM postings)"
      )
    }
    let audit = try CLI.run(["audit", "--db", db])
    #expect(audit.exitCode == 1)
    #expect(audit.stdout.contains("sqliteIntegrity       FAIL"), "\(audit.stdout)")
    #expect(audit.stdout.contains("CHECK constraint failed in postings"), "\(audit.stdout)")
  }

  @Test func checkpointsAreSignedAndVerified() throws {
    let (directory, db) = try loadedLedger()
    let keygen = try CLI.run(["checkpoint", "--new-key", directory + "/key"])
    #expect(keygen.exitCode == 0)
    let publicKey = keygen.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(publicKey.count == 64)
    let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/key")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let signed = try CLI.run([
      "checkpoint", "--db", db, "--key", directory + "/key", "--out", directory + "/cp.json",
    ])
    #expect(signed.exitCode == 0, "\(signed.stderr)")
    let verified = try CLI.run([
      "audit", "--db", db, "--checkpoint", directory + "/cp.json", "--public-key", publicKey,
    ])
    #expect(verified.exitCode == 0, "\(verified.stdout)")
    #expect(verified.stdout.contains("checkpoint            ok"))
    let otherKey = try CLI.run(["checkpoint", "--new-key", directory + "/other"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let refused = try CLI.run([
      "audit", "--db", db, "--checkpoint", directory + "/cp.json", "--public-key", otherKey,
    ])
    #expect(refused.exitCode == 1)
    #expect(refused.stdout.contains("the signature does not verify with the trusted key"))
    let wrongHead = try CLI.run([
      "audit", "--db", db, "--expect-head", String(repeating: "ab", count: 32),
    ])
    #expect(wrongHead.exitCode == 1)
  }

  @Test func auditOfAMissingFileIsAnIOError() throws {
    let result = try CLI.run(["audit", "--db", "/nonexistent/ledger.sqlite"])
    #expect(result.exitCode == 3)
  }
}
