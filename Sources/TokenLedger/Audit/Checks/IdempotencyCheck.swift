/// Idempotency ids are unique (the UNIQUE index enforces it; this reads it back, in case the
/// index itself was dropped or rebuilt behind the library's back).
struct IdempotencyCheck: AuditCheck {
  let name = "idempotencyUnique"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      "SELECT idempotency_id, count(*), min(seq) FROM entries WHERE idempotency_id IS NOT NULL GROUP BY idempotency_id HAVING count(*) > 1"
    ) { row in
      violations.append(
        Violation(
          "id used by \(row.integer(1)!) entries", sequence: row.integer(2),
          idempotencyId: row.text(0)))
    }
  }
}
