/// A statement prepared once and kept by its owner for a hot path, so that running it costs no
/// cache lookup by SQL text. Valid as long as the ``Database`` that prepared it.
package final class PreparedStatement {
  let statement: Statement

  init(statement: Statement) { self.statement = statement }

  /// Runs the statement, discarding any rows.
  package func execute(_ values: [SQLValue]) throws(DatabaseError) {
    statement.reset(binding: values)
    defer { statement.finish() }
    while try statement.step() {}
  }

  /// Runs a write whose result is not read. On SQLite that is ``execute(_:)``; on PostgreSQL
  /// it travels with the connection's next statement, in one round trip, and an error it
  /// raises is thrown by that statement or by the COMMIT (the transaction then rolls back as
  /// for any error). Not for statements whose changed-row count matters.
  package func executeDeferred(_ values: [SQLValue]) throws(DatabaseError) {
    guard statement.database.engine == .postgres else { return try execute(values) }
    try statement.executeLater(values)
  }

  /// Marks the statement as a read that may run before the write lock is taken
  /// (``Statement/runsBeforeWriteLock``).
  func runsBeforeWriteLock() -> PreparedStatement {
    statement.runsBeforeWriteLock = true
    return self
  }

  /// Runs the statement as the transaction's last: on PostgreSQL, in a transaction begun with
  /// `lockLate`, it travels with the write lock and the COMMIT (``Statement/runCommitting(_:)``).
  /// Returns its first row, mapped.
  func firstRowCommitting<T>(_ values: [SQLValue], _ transform: (Row) throws -> T) throws -> T? {
    try statement.runCommitting(values)
    defer { statement.finish() }
    return try statement.step() ? transform(Row(statement: statement)) : nil
  }

  /// The first row, mapped; `nil` when there is none.
  package func firstRow<T>(_ values: [SQLValue], _ transform: (Row) throws -> T) throws -> T? {
    statement.reset(binding: values)
    defer { statement.finish() }
    return try statement.step() ? transform(Row(statement: statement)) : nil
  }
}

extension Database {
  /// Sends reads ahead, in one round trip, on PostgreSQL: each `(statement, values)` is run now
  /// and its result kept for the statement's next run with equal values, as long as no write
  /// or transaction boundary comes between (then it is read again). A prediction that misses
  /// costs time, never a wrong answer. Nothing on SQLite.
  package func readAhead(_ reads: [(PreparedStatement, [SQLValue])]) throws(DatabaseError) {
    guard case .postgres(let connection) = connection, !reads.isEmpty else { return }
    let requests = reads.compactMap { $0.0.statement.readAheadRequest($0.1) }
    try connection.readAhead(requests)
  }

  /// Prepares a statement for repeated use (see ``PreparedStatement``).
  package func prepare(_ sql: String) throws(DatabaseError) -> PreparedStatement {
    PreparedStatement(
      statement: try Statement(database: self, sql: sql, name: nextStatementName()))
  }
}
