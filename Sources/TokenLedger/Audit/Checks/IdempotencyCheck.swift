/// Idempotency ids are unique, each in its one stored form (``StoredId``): the UNIQUE index
/// enforces the first, the journal writes the second. This reads both back, in case the index
/// was dropped or rebuilt, or an id rewritten in another form, behind the library's back (a
/// second form of an id would let it be used twice).
struct IdempotencyCheck: AuditCheck {
  let name = "idempotencyUnique"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    let text = StoredId.textSQL("idempotency_id")
    try context.database.forEachRow(
      """
      SELECT \(text), count(*), min(seq) FROM entries WHERE idempotency_id IS NOT NULL
      GROUP BY \(text) HAVING count(*) > 1
      """
    ) { row in
      violations.append(
        Violation(
          "id used by \(row.integer(1)!) entries", sequence: row.integer(2),
          idempotencyId: row.text(0)))
    }
    // Candidates for a wrong form, read from the index; each is then decided exactly.
    try context.database.forEachRow(
      """
      SELECT seq, idempotency_id, typeof(idempotency_id) FROM entries
      WHERE (typeof(idempotency_id) = 'text' AND idempotency_id GLOB '0x*:*')
        OR typeof(idempotency_id) NOT IN ('text', 'blob', 'null')
        OR (typeof(idempotency_id) = 'blob' AND (length(idempotency_id) NOT BETWEEN 33 AND 42
          OR CAST(substr(idempotency_id, 33) AS TEXT) GLOB '*[^0-9]*'
          OR (length(idempotency_id) > 33 AND substr(idempotency_id, 33, 1) = x'30')))
      """
    ) { row in
      let id = row.idText(1) ?? ""
      // A text id that only looks on-chain (e.g. not 64 hex digits) is in its form.
      if row.text(2) == "text", StoredId.compact(id) == nil { return }
      violations.append(
        Violation(
          "id is not stored in its one form (an on-chain id must be stored as bytes)",
          sequence: row.integer(0), idempotencyId: id))
    }
  }
}
