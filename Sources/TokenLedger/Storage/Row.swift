/// One result row. It reads the statement's current row, so it is valid only inside the
/// closure that receives it; copy values out rather than keeping the row.
public struct Row {
  let statement: Statement

  public var count: Int { statement.columnCount() }
  public func value(_ column: Int) -> SQLValue { statement.value(at: column) }
  public func text(_ column: Int) -> String? { statement.text(at: column) }
  public func integer(_ column: Int) -> Int64? { statement.integer(at: column) }
  /// The column's text as UTF-8 bytes without copying them into a String; nil for NULL. The
  /// bytes are valid only inside `body`.
  public func withTextBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  { try statement.withTextBytes(at: column, body) }
}
