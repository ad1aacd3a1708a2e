/// Entry sequence numbers run 1, 2, … without a gap.
struct SequenceCheck: AuditCheck {
  let name = "sequence"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var expected: Int64 = 1
    try context.database.forEachRow("SELECT seq FROM entries ORDER BY seq") { row in
      let sequence = row.integer(0)!
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
