import Testing

@testable import TokenLedger

/// Proves that `schema/` is the one source of truth: the library applies exactly those files,
/// in order, and records the version.
@Suite struct SchemaTests {
  @Test func embeddedMigrationsEqualTheSchemaFiles() throws {
    let embedded = Schema.embeddedMigrations
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
        "INSERT INTO assets (symbol, decimals, definition) VALUES (?, ?, ?)",
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
          "INSERT INTO balances (account_id, asset, amount) VALUES (1, 'T', ?)", [.text(bad)])
      }
    }
    try database.execute("INSERT INTO balances (account_id, asset, amount) VALUES (1, 'T', '-12')")
  }
}
