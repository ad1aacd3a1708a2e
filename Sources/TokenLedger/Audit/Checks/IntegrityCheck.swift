/// The store's structure is sound (``Database/structuralProblems(into:)``: on SQLite its own
/// checks of pages, constraints and indexes; on PostgreSQL the layout's fingerprint). It checks
/// the file whatever snapshot it reads, so it runs on a connection of its own.
struct IntegrityCheck: IndependentCheck {
  let name = "sqliteIntegrity"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try run(context.database, through: Int64.max, &violations)
  }

  func run(_ database: Database, through head: Int64, _ violations: inout ViolationList) throws {
    var problems: [Database.StructuralProblem] = []
    // What was found is reported even when a later step fails (the failure is reported too).
    defer {
      for problem in problems {
        violations.append(
          Violation(problem.message, expected: problem.expected, actual: problem.actual))
      }
    }
    try database.structuralProblems(into: &problems)
  }
}
