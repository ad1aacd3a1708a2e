/// Entry sequence numbers run 1, 2, … without a gap.
struct SequenceCheck: AuditCheck {
  let name = "sequence"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    // Sequence numbers are the rowid, so distinct: n of them from 1 to n leave no gap. The
    // count reads the smallest index, not the entries; only a gap costs the full walk.
    let (count, first, last) = try context.database.entrySequenceBounds()
    if count == 0 || (first == 1 && last == count) { return }
    var expected: Int64 = 1
    try context.database.forEachEntrySequence { sequence in
      if sequence != expected {
        violations.append(
          Violation(
            "entry sequence jumps from \(expected - 1) to \(sequence)", sequence: sequence,
            expected: String(expected), actual: String(sequence)))
      }
      expected = sequence + 1
    }
  }
}
