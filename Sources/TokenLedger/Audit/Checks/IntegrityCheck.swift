/// SQLite's own `PRAGMA integrity_check`: pages, indexes, and every CHECK and NOT NULL
/// constraint of every row (so an amount edited into a non-canonical text is named here).
struct IntegrityCheck: AuditCheck {
  let name = "sqliteIntegrity"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow("PRAGMA integrity_check(100)") { row in
      let message = row.text(0) ?? ""
      if message != "ok" { violations.append(Violation("SQLite: \(message)")) }
    }
  }
}
