/// Idempotency ids are unique, each in its one stored form (``StoredId``): the UNIQUE index
/// enforces the first, the journal writes the second. This reads both back, in case the index
/// was dropped or rebuilt, or an id rewritten in another form, behind the library's back (a
/// second form of an id would let it be used twice). One pass over the index, in its order:
/// equal neighbours are a reuse (the integrity check compares the index with the table).
struct IdempotencyCheck: AuditCheck {
  let name = "idempotencyUnique"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var previous: (isBlob: Bool, bytes: [UInt8], sequence: Int64)? = nil
    var reported = false
    try context.database.forEachRow(
      """
      SELECT idempotency_id, seq, typeof(idempotency_id) FROM entries
      INDEXED BY sqlite_autoindex_entries_1 WHERE idempotency_id IS NOT NULL
      ORDER BY idempotency_id
      """
    ) { row in
      let sequence = row.integer(1) ?? 0
      let type = row.text(2) ?? ""
      let isBlob = type == "blob"
      var bytes: [UInt8] = []
      if isBlob {
        row.withBlobBytes(0) { bytes = Array($0 ?? UnsafeBufferPointer(start: nil, count: 0)) }
      } else {
        row.withTextBytes(0) { bytes = Array($0 ?? UnsafeBufferPointer(start: nil, count: 0)) }
      }
      if let last = previous, last.isBlob == isBlob, last.bytes == bytes {
        if !reported {
          violations.append(
            Violation(
              "id used by more than one entry (entries \(last.sequence) and \(sequence))",
              sequence: min(last.sequence, sequence), idempotencyId: row.idText(0)))
        }
        reported = true
      } else {
        reported = false
      }
      previous = (isBlob, bytes, sequence)
      guard Self.isInItsForm(type: type, bytes, engine: context.database.engine) else {
        violations.append(
          Violation(
            "id is not stored in its one form (an on-chain id is stored as bytes)",
            sequence: sequence, idempotencyId: row.idText(0)))
        return
      }
    }
  }

  /// On SQLite, a BLOB is a hash's 32 bytes and a log index's digits (no leading zero); a TEXT
  /// is any id that does not have the on-chain form. On PostgreSQL every id is TEXT.
  static func isInItsForm(type: String, _ bytes: [UInt8], engine: Database.Engine = .sqlite)
    -> Bool
  {
    if engine == .postgres { return type == "text" }
    switch type {
    case "blob":
      let digits = bytes.dropFirst(32)
      return bytes.count >= 33 && bytes.count <= 42
        && digits.allSatisfy { (48...57).contains($0) }
        && (digits.count == 1 || digits.first != UInt8(ascii: "0"))
    case "text":
      guard bytes.count >= 68, bytes.starts(with: Array("0x".utf8)) else { return true }
      return StoredId.compact(String(decoding: bytes, as: UTF8.self)) == nil
    default:
      return false
    }
  }
}
