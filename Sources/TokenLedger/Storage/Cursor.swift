/// Steps through a query's rows on demand, so that two queries can be merged in order (the
/// hash-chain audit walks entries and postings side by side). Resets its statement when done.
package final class Cursor {
  private let statement: Statement
  private var finished = false

  init(statement: Statement) {
    self.statement = statement
  }

  deinit { statement.finish() }

  /// The next row, or `nil` at the end. The row is valid until the next call.
  package func next() throws -> Row? {
    guard !finished else { return nil }
    if try statement.step() { return Row(statement: statement) }
    finished = true
    statement.finish()
    return nil
  }
}

extension Database {
  /// A cursor over a query. Its statement is not cached, so a cursor never shares a statement
  /// with another running query.
  package func cursor(_ sql: String, _ values: [SQLValue] = []) throws -> Cursor {
    let statement = try Statement(database: self, sql: sql)
    statement.reset(binding: values, streaming: true)
    return Cursor(statement: statement)
  }
}
