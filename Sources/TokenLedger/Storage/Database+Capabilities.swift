/// What the engine underneath can do or needs, asked in those terms: code outside `Storage/`
/// asks for a capability, never which engine runs.
extension Database {
  /// A failed statement aborts its transaction (PostgreSQL): work that may fail while others'
  /// goes on runs in a savepoint.
  var failedStatementAbortsTransaction: Bool { engine == .postgres }

  /// Reads are round trips worth sending ahead in one (PostgreSQL); on SQLite each is a page
  /// lookup.
  var benefitsFromReadAhead: Bool { engine == .postgres }

  /// A write may run before it takes the write lock, taking it with its COMMIT (PostgreSQL's
  /// late-lock protocol); SQLite takes it first.
  var canLockLate: Bool { engine == .postgres }
}
