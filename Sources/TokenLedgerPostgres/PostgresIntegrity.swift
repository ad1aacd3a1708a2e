import TokenLedger

/// The audit's structural check on PostgreSQL, in place of SQLite's `integrity_check`.
enum PostgresIntegrity {
  /// PostgreSQL's structural check in place of SQLite's: every B-tree index of the ledger's
  /// tables verified by the `amcheck` extension against its table (`bt_index_check` with
  /// `heapallindexed`: the index's structure, and every row of the table in it), every
  /// constraint and index of the ledger valid (a constraint added `NOT VALID`, or an index
  /// left invalid by a failed `CREATE INDEX CONCURRENTLY`, holds nothing), the layout's
  /// fingerprint what it was at creation (nothing dropped, added or replaced), and the head
  /// row there. Rows break no constraint PostgreSQL has: it checks each on write.
  static func problems(_ database: Database) throws -> [String] {
    var problems: [String] = []
    let schema = PostgresSchema.schema(database)
    let amcheck =
      try database.firstRow(
        """
        SELECT n.nspname FROM pg_catalog.pg_extension x
        JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'amcheck'
        """
      ) { $0.text(0) } ?? nil
    var indexes: [(name: String, oid: Int64, valid: Bool)] = []
    try database.forEachRow(
      """
      SELECT c.relname, c.oid, i.indisvalid FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_am a ON a.oid = c.relam
      WHERE n.nspname = CAST($1 AS TEXT) AND a.amname = 'btree' ORDER BY c.relname
      """, [.text(schema)]
    ) { indexes.append(($0.text(0) ?? "?", $0.integer(1) ?? 0, $0.integer(2) == 1)) }
    for index in indexes where !index.valid {
      problems.append(("PostgreSQL: index \(index.name) is not valid"))
    }
    try database.forEachRow(
      """
      SELECT c.relname, k.conname FROM pg_catalog.pg_constraint k
      JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
      WHERE n.nspname = CAST($1 AS TEXT) AND NOT k.convalidated ORDER BY c.relname, k.conname
      """, [.text(schema)]
    ) { row in
      problems.append(
        ("PostgreSQL: constraint \(row.text(1) ?? "?") of \(row.text(0) ?? "?") is not validated"))
    }
    problems += try layoutProblems(database, schema: schema)
    let heads = try database.firstRow("SELECT count(*) FROM ledger_head") { $0.integer(0) }
    if heads != 1 {
      problems.append(
        ("PostgreSQL: ledger_head holds \((heads ?? nil).map(String.init) ?? "no") rows, not"
          + " its one row"))
    }
    guard let amcheck else {
      problems.append(
        ("PostgreSQL: the amcheck extension is not installed in this database, so the"
          + " indexes' structure was not verified (a superuser runs CREATE EXTENSION amcheck)"))
      return problems
    }
    for index in indexes where index.valid {
      do {
        try database.savepoint {
          try database.execute(
            "SELECT \"\(amcheck)\".bt_index_check(CAST($1 AS BIGINT)::oid::regclass, true)",
            [.integer(index.oid)])
        }
      } catch let error as DatabaseError {
        problems.append(("PostgreSQL: index \(index.name): \(error.message)"))
      }
    }
    return problems
  }

  /// The layout the ledger was created with: nothing dropped, added or replaced since. The
  /// fingerprint is computed by the library's own query, and compared with the one the
  /// library knows for this PostgreSQL version (whoever can alter the layout can also rewrite
  /// ledger_meta) and with the one stored at creation.
  private static func layoutProblems(_ database: Database, schema: String) throws -> [String] {
    var problems: [String] = []
    let actual = try PostgresLayout.fingerprint(database, schema: schema)
    let major = try PostgresLayout.majorVersion(database)
    if let expected = PostgresLayout.expected[major], actual != expected {
      problems.append(
        ("PostgreSQL: the ledger's columns, constraints, indexes, triggers, rules or functions"
          + " are not those this library creates on PostgreSQL \(major) (fingerprint"
          + " \(actual ?? "none"), expected \(expected)): they were altered behind its back"))
    }
    let stored =
      try database.firstRow("SELECT layout FROM ledger_meta WHERE id = 1") { $0.text(0) } ?? nil
    if actual != stored {
      problems.append(
        ("PostgreSQL: the ledger's columns, constraints, indexes, triggers, rules or functions"
          + " are not those it was created with (fingerprint \(actual ?? "none"), stored"
          + " \(stored ?? "none") in ledger_meta.layout): they were altered behind the"
          + " library's back"))
    }
    return problems
  }
}
