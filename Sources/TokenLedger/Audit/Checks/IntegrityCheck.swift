/// SQLite's own `PRAGMA integrity_check`: pages, indexes, and every CHECK and NOT NULL
/// constraint of every row (so an amount edited into a non-canonical text is named here). It
/// checks the file whatever snapshot it reads, so it runs on a connection of its own.
struct IntegrityCheck: IndependentCheck {
  let name = "sqliteIntegrity"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try run(context.database, through: Int64.max, &violations)
  }

  func run(_ database: Database, through head: Int64, _ violations: inout ViolationList) throws {
    if database.isReadOnly {
      violations.append(
        Violation(
          "CHECK constraints not verified: the ledger file is read-only to this process, and SQLite skips them on read-only files"
        ))
    }
    try database.forEachRow("PRAGMA integrity_check(100)") { row in
      let message = row.text(0) ?? ""
      if message != "ok" { violations.append(Violation("SQLite: \(message)")) }
    }
  }
}
