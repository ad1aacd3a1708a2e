import TokenLedger

/// The layout on PostgreSQL: `schema/postgresql/`, applied in the ledger's own schema and
/// recorded in its `ledger_meta` table. The first PostgreSQL migration lays out what SQLite
/// reaches at version 8 (journal format 2), so versions mean the same on both engines: the
/// k-th PostgreSQL migration brings a ledger to version 7 + k.
enum PostgresSchema {
  static let baseVersion = 7

  /// The ledger's schema name on a PostgreSQL connection.
  static func schema(_ database: Database) -> String {
    guard let location = PostgresLocation(database.path) else {
      preconditionFailure("not a PostgreSQL connection")
    }
    return location.schema
  }

  /// How many objects the ledger's schema holds, and its version (0 without `ledger_meta`).
  static func state(of database: Database) throws -> (tables: Int, version: Int) {
    let schema = schema(database)
    // Every object of the schema: relations of any kind (tables, views, sequences…) and
    // functions, so that a schema holding anything but a ledger is never taken over.
    let tables =
      try database.firstRow(
        """
        SELECT (SELECT count(*) FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = CAST($1 AS TEXT))
          + (SELECT count(*) FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = CAST($2 AS TEXT))
          + (SELECT count(*) FROM pg_catalog.pg_type t
            JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = CAST($3 AS TEXT) AND t.typtype IN ('d', 'e', 'c', 'r', 'm', 'b')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.reltype = t.oid)
              AND t.typelem = 0)
          + (SELECT count(*) FROM (
              SELECT collnamespace AS ns FROM pg_catalog.pg_collation
              UNION ALL SELECT oprnamespace FROM pg_catalog.pg_operator
              UNION ALL SELECT opfnamespace FROM pg_catalog.pg_opfamily
              UNION ALL SELECT cfgnamespace FROM pg_catalog.pg_ts_config
              UNION ALL SELECT dictnamespace FROM pg_catalog.pg_ts_dict
              UNION ALL SELECT connamespace FROM pg_catalog.pg_conversion
            ) o JOIN pg_catalog.pg_namespace n ON n.oid = o.ns WHERE n.nspname = CAST($4 AS TEXT))
        """, [.text(schema), .text(schema), .text(schema), .text(schema)]
      ) { $0.integer(0) ?? 0 } ?? 0
    let hasMeta =
      try database.firstRow(
        """
        SELECT count(*) FROM pg_catalog.pg_tables
        WHERE schemaname = CAST($1 AS TEXT) AND tablename = 'ledger_meta'
        """, [.text(schema)]
      ) { $0.integer(0) ?? 0 } ?? 0
    guard hasMeta == 1 else { return (Int(tables), 0) }
    // Without USAGE on the schema every table of it "does not exist": say what is missing.
    let mayUse =
      try database.firstRow(
        "SELECT has_schema_privilege(CAST($1 AS TEXT), 'USAGE')", [.text(schema)]
      ) { $0.integer(0) == 1 } ?? false
    guard mayUse else {
      let role = try database.firstRow("SELECT current_user") { $0.text(0) } ?? nil
      throw DatabaseError(
        resultCode: 23,
        message: "permission denied for schema \(schema): role "
          + (role ?? "?")
          + " may not use ledger \(schema) (its owner grants it with GRANT USAGE ON SCHEMA"
          + " \"\(schema)\" TO the role)",
        sqlState: "42501")
    }
    let version =
      try database.firstRow("SELECT schema_version FROM ledger_meta WHERE id = 1") {
        $0.integer(0) ?? 0
      } ?? 0
    return (Int(tables), Int(version))
  }

  /// Creates the ledger's schema and tables when `mayCreate` and it has none, or brings an
  /// older one up to date, in one transaction under an advisory lock on the ledger's name (two
  /// processes creating the same ledger at once: one creates it, the other finds it made).
  static func migrate(_ database: Database, mayCreate: Bool) throws {
    let schema = schema(database)
    let target = PostgresSchema.baseVersion + PostgresSchema.migrations.count
    if try state(of: database).version == target { return }
    // The audit's structural check uses amcheck; creating it takes a superuser, so a ledger
    // created by another role goes without until one does (the audit says so).
    try? database.executeScript("CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public")
    try database.executeScript("BEGIN")
    do {
      try database.execute(
        "SELECT pg_advisory_xact_lock(hashtext(CAST($1 AS TEXT)))", [.text("tokenledger:" + schema)]
      )
      let state = try state(of: database)
      if state.version == 0 {
        guard state.tables == 0 else {
          throw DatabaseError(
            resultCode: 26,
            message: "PostgreSQL schema \(schema) holds objects that are not a TokenLedger ledger"
              + " (left untouched)")
        }
        guard mayCreate else {
          throw FileError(
            path: PostgresLocation.redacted(database.path),
            reason: "no such ledger (create one with `tokenledger init` or `load`)")
        }
        try database.executeScript("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"")
      }
      guard state.version <= target else {
        throw DatabaseError(
          .newerSchema, resultCode: 26,
          message: "ledger \(schema) has schema version \(state.version), newer than this"
            + " build's \(target)")
      }
      let done = max(0, state.version - PostgresSchema.baseVersion)
      for migration in PostgresSchema.migrations.dropFirst(done) {
        try database.executeScript(migration.sql)
      }
      try database.executeScript("COMMIT")
    } catch {
      try? database.executeScript("ROLLBACK")
      throw error
    }
  }
}

/// The fingerprint of a ledger's layout on PostgreSQL (columns, constraints, indexes,
/// triggers and whether they are enabled, rules, functions, aggregates), as the audit's
/// structural check computes it: with the query of the shipped migration's `ledger_layout`
/// run by the library itself, not by the function stored in the ledger (which whoever can
/// alter the layout can also replace), and compared with the fingerprint of the layout the
/// migrations create on the server's major version, known to the library, as well as with
/// the one stored at creation.
enum PostgresLayout {
  /// The body of `ledger_layout(text)` in `schema/postgresql/`, its parameter `$1`.
  static let query: String = {
    let sql = PostgresSchema.migrations.map(\.sql).joined(separator: "\n")
    let opening = "CREATE FUNCTION ledger_layout(text) RETURNS text LANGUAGE sql STABLE AS $$"
    guard let start = sql.range(of: opening),
      let end = sql.range(of: "$$;", range: start.upperBound..<sql.endIndex)
    else { preconditionFailure("schema/postgresql/ defines ledger_layout(text)") }
    return String(sql[start.upperBound..<end.lowerBound])
  }()

  /// The fingerprint of the layout the migrations create, by PostgreSQL major version
  /// (`server_version_num / 10000`). A test creates a ledger and compares: a change to
  /// `schema/postgresql/` changes it, and the test says the new value.
  static let expected: [Int: String] = [15: "bd5e72c54dc9b297c2ba2ffcf36ef7bd"]

  /// The fingerprint of the ledger `schema`'s layout now.
  static func fingerprint(_ database: Database, schema: String) throws -> String? {
    try database.firstRow(query, [.text(schema)]) { $0.text(0) } ?? nil
  }

  /// The server's major version.
  static func majorVersion(_ database: Database) throws -> Int {
    Int(
      try database.firstRow("SELECT current_setting('server_version_num')") { $0.text(0) }?
        .flatMap { Int($0) } ?? 0) / 10_000
  }
}
