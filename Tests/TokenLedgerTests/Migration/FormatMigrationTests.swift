import Foundation
import Testing

@testable import TokenLedger

/// Journal format 2 and the migration of format-1 ledgers to it
/// (`fixtures/format1/mixed-format1.sqlite` was written by the format-1 build: staking, holds,
/// allowances and transfers with ids; its balances and export beside it, as that build printed
/// them).
@Suite struct FormatMigrationTests {
  static let fixture = Repository.root + "/fixtures/format1/mixed-format1.sqlite"

  /// Edits one entry's payload in place (12.5 becomes 125), as a tamperer would.
  static func editEntry(_ path: String) throws {
    let database = try Database(path: path, mode: .existing)
    try database.execute(
      "UPDATE entries SET payload = replace(payload, '12.5', '125') WHERE idempotency_id = '0xabc:0'"
    )
    #expect(database.changes == 1)
  }

  static func copyOfFixture() throws -> (directory: String, path: String) {
    let directory = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/books.sqlite"
    try FileManager.default.copyItem(atPath: fixture, toPath: path)
    return (directory, path)
  }

  @Test func theShippedFormatOneLedgerMigratesAndKeepsItsHistory() throws {
    let (directory, path) = try Self.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(try Ledger.needsFormatMigration(at: path))
    let refused = #expect(throws: DatabaseError.self) { try Ledger.open(at: path) }
    #expect(refused?.message.contains("journal-format-1") == true)

    var steps: [String] = []
    let migration = try Ledger.migrateToFormat2(at: path) { steps.append($0.step) }
    #expect(steps.first == "copying" && steps.contains("auditing") && steps.last == "done")
    #expect(migration.entries == 46 && migration.formatChangeSequence == 47)
    // The format-1 file is kept byte for byte; nothing is left of the copy's name.
    #expect(try Data(contentsOf: URL(fileURLWithPath: migration.formatOnePath)) == original)
    #expect(!FileManager.default.fileExists(atPath: path + ".format2-migrating"))
    #expect(try !Ledger.needsFormatMigration(at: path))

    let ledger = try Ledger.open(at: path)
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
    #expect(audit.headHash == migration.headHash && audit.entries == 47)
    // The state digest the format-1 build printed for this file.
    #expect(
      migration.stateDigest == "640f50908fe3eaf52ccbd44bd3b8c5171a0027d98403b18593a206f4023907dd")
    #expect(
      migration.formatOneHead == "2869e54107354a70d436c4a0ecd347777bb022fee4a14437a2fb776fabe42404")

    // export prints exactly what the format-1 build exported.
    var lines: [String] = []
    try ledger.exportLines { lines.append($0) }
    let exported = String(
      decoding: try Repository.read(
        Repository.root + "/fixtures/format1/mixed-format1.export.jsonl"), as: UTF8.self)
    #expect(lines == exported.split(separator: "\n").map(String.init))

    // The replay rebuilds the head across the boundary (format-1 hashes, then formatChange).
    let replay = try ledger.replay()
    #expect(replay.ok, "\(replay)")
    #expect(replay.headHash == migration.headHash)

    // New entries are format 2; an id of a format-1 entry is still known, by its operation.
    let again =
      #"{"op":"transfer","asset":"USDX","from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","amount":"12.5","id":"0xabc:0"}"#
    let results = try ledger.apply(jsonLines: [
      again,
      #"{"op":"transfer","asset":"USDX","from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","amount":"1.5","id":"0xnew:0"}"#,
    ])
    guard case .unchanged = results[0], case .applied(48) = results[1] else {
      Issue.record("expected unchanged and applied, got \(results)")
      return
    }
    #expect(
      errorCode(
        ledger,
        [again.replacingOccurrences(of: #""amount":"12.5""#, with: #""amount":"12.6""#)])
        == .duplicateId)
    let after = try ledger.audit()
    #expect(after.ok && after.entries == 48, "\(after.checks.filter { !$0.ok })")
    let stored = try ledger.read { journal in
      try journal.database.firstRow(
        "SELECT payload IS NULL, typeof(hash), length(hash) FROM entries WHERE seq = 48"
      ) { "\($0.integer(0)!) \($0.text(1)!) \($0.integer(2)!)" }
    }
    #expect(stored == "1 blob 32")
  }

  /// The copy must audit clean before it replaces anything: a format-1 file whose journal was
  /// edited is left exactly as it was, and the half-made copy is removed.
  @Test func aTamperedFormatOneLedgerIsNotMigrated() throws {
    let (directory, path) = try Self.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Self.editEntry(path)
    let tampered = try Data(contentsOf: URL(fileURLWithPath: path))
    let error = #expect(throws: DatabaseError.self) { try Ledger.migrateToFormat2(at: path) }
    #expect(error?.message.contains("hashChain") == true)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == tampered)
    #expect(!FileManager.default.fileExists(atPath: path + ".format1"))
    #expect(!FileManager.default.fileExists(atPath: path + ".format2-migrating"))
    #expect(try Ledger.needsFormatMigration(at: path))
  }

  /// A format-1 ledger is audited as it is, never migrated by the audit: clean, every check
  /// passes on its 46 entries; with an entry edited, `hashChain` names that entry; either way
  /// the file and its directory are byte for byte as they were (no `.format1`, no copy).
  @Test func aFormatOneLedgerIsAuditedAsItIsWithoutBeingMigrated() throws {
    let (directory, path) = try Self.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // SQLite's reader files (-wal, -shm) may appear, as for any read of a WAL-mode file.
    func files() throws -> [String] {
      try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.sorted()
    }
    let listing = try files()
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    let clean = try Ledger.auditFormatOne(at: path)
    #expect(clean.ok && clean.entries == 46, "\(clean.checks.filter { !$0.ok })")
    #expect(clean.checks.count == AuditReport.registeredChecks.count)
    #expect(try files() == listing)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
    try Self.editEntry(path)
    let tampered = try Data(contentsOf: URL(fileURLWithPath: path))
    let report = try Ledger.auditFormatOne(at: path)
    #expect(!report.ok)
    #expect(report.checks.filter { !$0.ok }.map(\.name) == ["hashChain"])
    #expect(report.checks.first { $0.name == "hashChain" }?.violations.first?.sequence == 43)
    #expect(report.headHash == clean.headHash, "the format-1 head, no formatChange")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == tampered)
    #expect(try files() == listing)
    #expect(try Ledger.needsFormatMigration(at: path))
  }

  /// Rows a tamperer left inconsistent (a posting of a deleted entry) are copied as found and
  /// named by the checks; the audit once stopped at the copy's FOREIGN KEY constraint (exit 3).
  @Test func aDeletedEntryOfAFormatOneLedgerIsNamedNotACopyError() throws {
    let (directory, path) = try Self.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    do {
      let database = try Database(path: path, mode: .existing)
      try database.execute("PRAGMA foreign_keys = OFF")
      try database.execute("DELETE FROM entries WHERE seq = 20")
      #expect(database.changes == 1)
    }
    let report = try Ledger.auditFormatOne(at: path)
    let failed = Set(report.checks.filter { !$0.ok }.map(\.name))
    #expect(failed.contains("sequence") && failed.contains("hashChain"), "\(failed)")
  }

  /// The swap never leaves the path without a ledger: stopped after the format-1 file got its
  /// kept name and before the copy replaced it (where a crash would stop it), the format-1
  /// ledger is at its path byte for byte, and a later migration, finding the second name left
  /// by the stop, completes.
  @Test func aSwapStoppedHalfWayLeavesTheLedgerAtItsPath() throws {
    struct Stopped: Error {}
    let (directory, path) = try Self.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    var checkedAtTheStop = false
    #expect(throws: Stopped.self) {
      _ = try Ledger.migrateToFormat2(at: path, progress: { _ in }) {
        // What a crash here leaves: both names of the format-1 file, and the finished copy.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        #expect(LedgerFile.isSameFile(path, path + ".format1"))
        checkedAtTheStop = true
        throw Stopped()
      }
    }
    #expect(checkedAtTheStop)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
    #expect(try Ledger.needsFormatMigration(at: path))
    // A crash leaves the second name behind (the stop above removed it): it is not in the way.
    #expect(link(path, path + ".format1") == 0)
    let migration = try Ledger.migrateToFormat2(at: path)
    #expect(migration.entries == 46)
    #expect(try Data(contentsOf: URL(fileURLWithPath: migration.formatOnePath)) == original)
    #expect(try Ledger.open(at: path).audit().ok)
  }

  /// Two processes open one format-1 ledger at once: the one that waited for the first's lock
  /// finds the ledger migrated and opens it, instead of migrating the new file again.
  @Test func aMigrationThatWaitedForAnotherFindsTheLedgerMigrated() async throws {
    let (directory, path) = try Self.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let auditing = DispatchSemaphore(value: 0)
    let secondStarted = DispatchSemaphore(value: 0)
    let first = Task.detached {
      try Ledger.migrateToFormat2(at: path) { step in
        guard step.step == "auditing" else { return }
        auditing.signal()
        // Holds the lock until the second migration is waiting for it.
        secondStarted.wait()
        Thread.sleep(forTimeInterval: 0.3)
      }
    }
    auditing.wait()
    let second = Task.detached { () throws -> FormatMigration? in
      secondStarted.signal()
      return try Ledger.migrateToFormat2IfNeeded(at: path)
    }
    let firstMigration = try await first.value
    let secondMigration = try await second.value
    #expect(secondMigration == nil)
    #expect(firstMigration.entries == 46)
    let ledger = try Ledger.open(at: path)
    #expect(try ledger.summary().entries == 47)
    #expect(try ledger.audit().ok)
  }

  /// Random journals written as format 1 and migrated: every hash verifies again, the state is
  /// the same, and the replay rebuilds the head across the boundary.
  @Test(arguments: [11, 23, 37]) func randomFormatOneJournalsMigrate(seed: Int) throws {
    let directory = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let writer = try Ledger.open(at: directory + "/v2.sqlite", create: true)
    try writer.write { try $0.hashAsFormat2(from: Int64.max) }
    try writer.apply(jsonLines: RandomOperations.setup)
    let numbers = (0..<600).map { ($0 &* 7919 &+ seed) % 1_000_003 }
    try writer.apply(jsonLines: RandomOperations.lines(numbers), mode: .independent)
    let before = try writer.summary()
    // The same rows in format 1's layout (schema 7).
    let path = directory + "/v1.sqlite"
    do {
      let old = try Database(path: path, mode: .create)
      try Schema.migrate(old, through: Schema.format2Version - 1)
      try old.execute("ATTACH DATABASE $1 AS source", [.text(directory + "/v2.sqlite")])
      try old.executeScript(
        """
        INSERT INTO assets SELECT * FROM source.assets;
        INSERT INTO accounts SELECT * FROM source.accounts;
        INSERT INTO balances SELECT * FROM source.balances;
        INSERT INTO allowances SELECT * FROM source.allowances;
        INSERT INTO entries SELECT seq, idempotency_id, kind, asset, payload, height, time,
          lower(hex(hash)) FROM source.entries;
        INSERT INTO postings SELECT * FROM source.postings;
        INSERT INTO validators SELECT * FROM source.validators;
        INSERT INTO unbonding SELECT * FROM source.unbonding;
        INSERT INTO holds SELECT * FROM source.holds;
        DETACH DATABASE source;
        """)
    }
    let migration = try Ledger.migrateToFormat2(at: path)
    #expect(migration.formatOneHead == before.headHash)
    #expect(migration.stateDigest == before.stateDigest)
    let ledger = try Ledger.open(at: path)
    let replay = try ledger.replay()
    #expect(replay.ok && replay.headHash == migration.headHash, "\(replay)")
    // export of the migrated ledger, applied to a new one, gives the same state.
    var lines: [String] = []
    try ledger.exportLines { lines.append($0) }
    let fresh = try makeLedger()
    try fresh.apply(jsonLines: lines)
    #expect(try fresh.summary().stateDigest == before.stateDigest)
  }
}
