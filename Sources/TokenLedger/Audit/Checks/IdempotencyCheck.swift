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
    try context.database.forEachStoredIdInIndexOrder { sequence, bytes, isBlob, text, inForm in
      if let last = previous, last.isBlob == isBlob, last.bytes == bytes {
        if !reported {
          violations.append(
            Violation(
              "id used by more than one entry (entries \(last.sequence) and \(sequence))",
              sequence: min(last.sequence, sequence), idempotencyId: text))
        }
        reported = true
      } else {
        reported = false
      }
      previous = (isBlob, bytes, sequence)
      guard inForm else {
        violations.append(
          Violation(
            "id is not stored in its one form (an on-chain id is stored as bytes)",
            sequence: sequence, idempotencyId: text))
        return
      }
    }
  }
}
