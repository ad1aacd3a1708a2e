import Foundation
import Testing

/// A journal-format-1 ledger given to any command is migrated first, with a note on standard
/// error naming where the format-1 file was kept; the command then runs on format 2.
@Suite struct MigrationCommandTests {
  /// A copy of the shipped format-1 ledger, as `name` in `directory`.
  static func formatOneLedger(in directory: String, named name: String = "books.sqlite") throws
    -> String
  {
    let db = directory + "/" + name
    try FileManager.default.copyItem(
      atPath: CLI.fixture("format1/mixed-format1.sqlite"), toPath: db)
    return db
  }

  @Test func aFormatOneLedgerIsMigratedWhenACommandOpensIt() throws {
    let directory = try CLI.temporaryDirectory()
    let db = try Self.formatOneLedger(in: directory)
    let balance = try CLI.run(["balance", "--db", db, "--asset", "USDX"])
    #expect(balance.exitCode == 0, "\(balance.stderr)")
    #expect(balance.stderr.contains("migrated \(db) to journal format 2: 46 format-1 entries"))
    #expect(balance.stderr.contains("the format-1 file is \(db).format1"))
    #expect(
      CLI.collapsed(balance.stdout).contains(
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359 USDX 50.25"))
    #expect(FileManager.default.fileExists(atPath: db + ".format1"))
    // Once only: the next command finds format 2 and says nothing of it.
    let audit = try CLI.run(["audit", "--db", db])
    #expect(audit.exitCode == 0, "\(audit.stdout)")
    #expect(!audit.stderr.contains("migrated"))
    #expect(audit.stdout.contains("entries 47"))
    // --quiet silences the note, not the migration.
    let second = try Self.formatOneLedger(in: directory, named: "second.sqlite")
    let quiet = try CLI.run(["info", "--db", second, "--quiet"])
    #expect(quiet.exitCode == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    #expect(FileManager.default.fileExists(atPath: second + ".format1"))
  }

  /// `audit` reads: on a tampered format-1 ledger it runs every check and names the edited
  /// entry (exit 1; it once exited 3, "corrupt or not a TokenLedger file", with no check run,
  /// because it migrated first and the copy did not audit clean), and leaves the file format 1.
  @Test func auditReportsATamperedFormatOneLedgerWithoutMigratingIt() throws {
    let db = try Self.formatOneLedger(in: try CLI.temporaryDirectory())
    let clean = try CLI.run(["audit", "--db", db, "--format", "json"])
    #expect(clean.exitCode == 0, "\(clean.stderr)")
    #expect(clean.stdout.contains(#""entries":46"#) || clean.stdout.contains(#""entries": 46"#))
    #expect(clean.stderr.contains("journal-format-1 ledger: audited as it is"))
    #expect(!FileManager.default.fileExists(atPath: db + ".format1"))
    guard
      try CLI.sqlite3(
        db,
        "UPDATE entries SET payload = replace(payload, '12.5', '125') WHERE idempotency_id = '0xabc:0'"
      )
    else { return }
    let tampered = try CLI.run(["audit", "--db", db])
    #expect(tampered.exitCode == 1, "\(tampered.stderr)")
    #expect(tampered.stdout.contains("entry 43 does not hash to its stored hash"))
    #expect(tampered.stderr.contains("audit: hashChain failed"))
    #expect(!FileManager.default.fileExists(atPath: db + ".format1"))
  }
}
