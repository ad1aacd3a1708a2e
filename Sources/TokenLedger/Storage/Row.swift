/// One result row. It reads the statement's current row, so it is valid only inside the
/// closure that receives it; copy values out rather than keeping the row.
package struct Row {
  let statement: Statement

  package var count: Int { statement.columnCount() }
  package func value(_ column: Int) -> SQLValue { statement.value(at: column) }
  package func text(_ column: Int) -> String? { statement.text(at: column) }
  package func integer(_ column: Int) -> Int64? { statement.integer(at: column) }
  /// The column's text as UTF-8 bytes without copying them into a String; nil for NULL. The
  /// bytes are valid only inside `body`.
  package func withTextBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  { try statement.withTextBytes(at: column, body) }
  /// The column's bytes as a BLOB without copying them; nil for NULL. Valid only inside `body`.
  package func withBlobBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  { try statement.withBlobBytes(at: column, body) }
  /// Whether the column holds a BLOB.
  package func isBlob(_ column: Int) -> Bool { statement.isBlob(at: column) }
  /// An idempotency id column as text (an on-chain id is stored as a BLOB); nil for NULL.
  package func idText(_ column: Int) -> String? {
    guard isBlob(column) else { return text(column) }
    return withBlobBytes(column) { bytes in
      bytes.map { String(decoding: StoredId.text(compact: $0), as: UTF8.self) }
    }
  }
  /// A hash column (32 bytes) as 64 lowercase hex digits; nil for NULL.
  package func hashHex(_ column: Int) -> String? {
    withBlobBytes(column) { bytes in bytes.map { HashChain.hex($0) } }
  }
}
