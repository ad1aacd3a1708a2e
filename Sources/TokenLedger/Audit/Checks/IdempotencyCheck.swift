/// Idempotency ids are unique and each entry's `id_key` is its id's key. The journal looks an id
/// up by its key and refuses a second use; this reads back every key that occurs twice and
/// compares the texts, and recomputes every key (a wrong key would hide an id from the lookup,
/// letting it be used again).
struct IdempotencyCheck: AuditCheck {
  let name = "idempotencyUnique"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      """
      SELECT idempotency_id, count(*), min(seq) FROM entries
      WHERE id_key IN (
        SELECT id_key FROM entries WHERE id_key IS NOT NULL GROUP BY id_key HAVING count(*) > 1)
      GROUP BY idempotency_id HAVING count(*) > 1
      """
    ) { row in
      violations.append(
        Violation(
          "id used by \(row.integer(1)!) entries", sequence: row.integer(2),
          idempotencyId: row.text(0)))
    }
    try context.database.forEachRow(
      "SELECT seq, idempotency_id, id_key FROM entries WHERE idempotency_id IS NOT NULL OR id_key IS NOT NULL"
    ) { row in
      let id = row.text(1)
      let key = row.integer(2)
      guard let id, key == IdempotencyKey.of(id) else {
        violations.append(
          Violation(
            "entry's id_key is not its id's key (the id would not be found)",
            sequence: row.integer(0), idempotencyId: id,
            expected: id.map { String(IdempotencyKey.of($0)) } ?? "NULL",
            actual: key.map(String.init) ?? "NULL"))
        return
      }
    }
  }
}
