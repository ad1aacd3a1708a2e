import Foundation
import Testing
import TokenLedgerPostgres

@testable import TokenLedger

/// Proves that `schema/` is the one source of truth: the library applies exactly those files,
/// in order, and records the version.
@Suite struct SchemaTests {
  @Test func embeddedMigrationsEqualTheSchemaFiles() throws {
    PostgreSQLEngine.install()  // its migrations are embedded in its module
    let embedded = Schema.embeddedMigrations
    #expect(embedded.contains { $0.name.hasPrefix("postgresql/") })
    #expect(embedded.count >= 2)
    for migration in embedded {
      let file = String(
        decoding: try Repository.read(Repository.root + "/schema/" + migration.name), as: UTF8.self)
      #expect(
        migration.sql == file,
        "schema/\(migration.name) differs from its embedded copy: run tools/embed-schema")
    }
  }

  @Test func aNewLedgerHasTheCurrentVersionAndStrictTables() throws {
    let database = try Database(path: ":memory:", mode: .create)
    try Schema.migrate(database)
    #expect(try Schema.version(of: database) == Schema.currentVersion)
    try Schema.migrate(database)  // idempotent
    #expect(try Schema.version(of: database) == Schema.currentVersion)
    #expect(throws: DatabaseError.self) {
      try database.execute(
        "INSERT INTO assets (symbol, decimals, definition) VALUES ($1, $2, $3)",
        ["X", .text("many"), "{}"])
    }
  }

  @Test func aNewerSchemaIsRefused() throws {
    let database = try Database(path: ":memory:", mode: .create)
    try database.executeScript("PRAGMA user_version = 999")
    #expect(throws: DatabaseError.self) { try Schema.migrate(database) }
  }

  @Test func amountColumnsRejectNonCanonicalText() throws {
    let database = try Database(path: ":memory:", mode: .create)
    try Schema.migrate(database)
    try database.execute("INSERT INTO assets (symbol, decimals, definition) VALUES ('T', 0, '{}')")
    try database.execute("INSERT INTO accounts (holder, bucket) VALUES ('a', 'available')")
    for bad in ["007", "-0", "1.5", "", "1e3", " 1", "--1"] {
      #expect(throws: DatabaseError.self, "\(bad)") {
        try database.execute(
          "INSERT INTO balances (account_id, asset, amount) VALUES (1, 'T', $1)", [.text(bad)])
      }
    }
    try database.execute("INSERT INTO balances (account_id, asset, amount) VALUES (1, 'T', '-12')")
  }
}

/// Migration 0003 turns a ledger written with the indexes by account into one with history
/// links, and the links it fills in are exactly those the journal writes itself; the migration
/// to journal format 2 then copies them with every entry.
@Suite struct PostingLinksMigrationTests {
  @Test func aLedgerWrittenBeforeTheLinksGetsTheSameLinks() throws {
    let directory = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let current = try Ledger.open(at: directory + "/current.sqlite", create: true)
    // Its entries written as format 1 was (a replay of a migrated journal writes them so).
    try current.write { try $0.hashAsFormat2(from: Int64.max) }
    try current.apply(jsonLines: RandomOperations.setup)
    let numbers = (0..<1600).map { ($0 &* 7919 &+ 13) % 1_000_003 }
    try current.apply(jsonLines: RandomOperations.lines(numbers), mode: .independent)
    let links = try Self.links(current)
    #expect(links.postings.count > 100)
    #expect(links.postings.contains { $0.from > 0 } && links.postings.contains { $0.to > 0 })

    // The same rows in the layout of migrations 0001 and 0002.
    let oldPath = directory + "/old.sqlite"
    do {
      let old = try Database(path: oldPath, mode: .create)
      for migration in Schema.embeddedMigrations.prefix(2) { try old.executeScript(migration.sql) }
      try old.executeScript("PRAGMA user_version = 2")
      try old.execute("ATTACH DATABASE $1 AS source", [.text(directory + "/current.sqlite")])
      try old.executeScript(
        """
        INSERT INTO assets SELECT * FROM source.assets;
        INSERT INTO accounts SELECT * FROM source.accounts;
        INSERT INTO balances SELECT account_id, asset, amount FROM source.balances;
        INSERT INTO allowances SELECT * FROM source.allowances;
        INSERT INTO entries SELECT seq, idempotency_id, kind, asset, payload, height, time,
          lower(hex(hash)) FROM source.entries;
        INSERT INTO postings SELECT entry_seq, posting_index, asset, from_account, to_account, amount
          FROM source.postings;
        INSERT INTO validators SELECT asset, validator, operator, commission,
          commission_changed_time, stake FROM source.validators;
        INSERT INTO unbonding SELECT * FROM source.unbonding;
        INSERT INTO holds SELECT * FROM source.holds;
        DETACH DATABASE source;
        """)
    }
    #expect(throws: DatabaseError.self) { try Ledger.open(at: oldPath) }
    let migration = try Ledger.migrateToFormat2(at: oldPath)
    let migrated = try Ledger.open(at: oldPath)
    let migratedLinks = try Self.links(migrated)
    #expect(migratedLinks.postings.count == links.postings.count)
    let firstDifference = zip(migratedLinks.postings, links.postings).first { $0.0 != $0.1 }
    #expect(firstDifference == nil, "migrated, written: \(String(describing: firstDifference))")
    #expect(migratedLinks.balances == links.balances)
    let audit = try migrated.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
    let before = try current.summary()
    let after = try migrated.summary()
    #expect(after.entries == before.entries + 1 && migration.formatOneHead == before.headHash)
    #expect(after.stateDigest == before.stateDigest && migration.stateDigest == before.stateDigest)
  }

  struct Link: Equatable {
    let entry: Int64
    let index: Int64
    let from: Int64
    let to: Int64
  }

  static func links(_ ledger: Ledger) throws -> (postings: [Link], balances: [String]) {
    try ledger.read { journal in
      var postings: [Link] = []
      try journal.database.forEachRow(
        "SELECT entry_seq, posting_index, from_previous, to_previous FROM postings ORDER BY 1, 2"
      ) { row in
        postings.append(
          Link(
            entry: row.integer(0)!, index: row.integer(1)!, from: row.integer(2)!,
            to: row.integer(3)!))
      }
      var balances: [String] = []
      try journal.database.forEachRow(
        "SELECT account_id, asset, amount, last_entry FROM balances ORDER BY 1, 2"
      ) { row in
        balances.append("\(row.integer(0)!) \(row.text(1)!) \(row.text(2)!) \(row.integer(3)!)")
      }
      return (postings, balances)
    }
  }
}
