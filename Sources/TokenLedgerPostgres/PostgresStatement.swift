import TokenLedger

/// A statement on PostgreSQL: its translated SQL (prepared on the server when it has a name),
/// the values of its next run, and the rows of its latest run, read one at a time through
/// ``Statement`` as SQLite's are.
///
/// A run fetches its whole result, so statements may nest (a query per row of another) as they
/// do on SQLite; a streaming run (``Database/forEachRow(_:_:_:)`` and cursors, inside a
/// transaction) reads a query through a server-side cursor, ``fetchSize`` rows at a time, so
/// that a scan of a large journal (export, audit) holds one chunk in memory, not the journal.
final class PostgresStatement {
  private unowned let connection: PostgresConnection
  private let name: String?
  let sql: String
  private var values: [SQLValue] = []
  private var result: PostgresResult?
  private var row = -1
  /// Decoded `bytea` values of the current row, by column.
  private var blobs: [Int: [UInt8]] = [:]
  /// Whether the next run reads through a cursor (set by `reset`).
  private var streaming = false
  /// The open cursor of a streaming run, and the transaction it lives in.
  private var cursor: (name: String, generation: Int)?
  static let fetchSize = 10_000

  init(connection: PostgresConnection, name: String?, sql: String) {
    self.connection = connection
    self.name = name
    self.sql = sql
  }

  func reset(binding values: [SQLValue], streaming: Bool = false) {
    self.values = values
    finish()
    self.streaming = streaming
  }

  func finish() {
    result = nil
    row = -1
    blobs.removeAll(keepingCapacity: true)
    streaming = false
    if let cursor {
      self.cursor = nil
      // Closed in its own transaction only: it is gone after that one ended, and a failed
      // CLOSE would abort the next.
      if cursor.generation == connection.transactionGeneration, connection.isInGoodTransaction {
        // Sent with the next statement: closing costs no round trip of its own.
        try? connection.executeLater(
          name: nil, sql: "CLOSE \(cursor.name)", values: [], writes: false)
      }
    }
  }

  /// Whether a run may go through a cursor: a query, inside a transaction.
  private var canStream: Bool {
    guard streaming, connection.isInGoodTransaction else { return false }
    let head = sql.prefix(while: { !$0.isWhitespace }).uppercased()
    return head == "SELECT" || head == "WITH"
  }

  /// Runs the statement on the first call after a reset, then moves to the next row: whether
  /// there is one, and the rows a command changed (on the run's first step only).
  func step(originalSQL: String) throws(DatabaseError) -> (hasRow: Bool, changes: Int?) {
    var changes: Int?
    if result == nil {
      do {
        if canStream {
          let cursorName = connection.nextCursorName()
          // Declared in the same round trip as the first FETCH.
          try connection.executeLater(
            name: nil, sql: "DECLARE \(cursorName) NO SCROLL CURSOR FOR \(sql)", values: values,
            writes: false)
          cursor = (cursorName, connection.transactionGeneration)
          result = try connection.execute(
            name: nil, sql: "FETCH \(Self.fetchSize) FROM \(cursorName)", values: [])
        } else if let name, let ahead = connection.takeReadAhead(name: name, values: values) {
          result = ahead
        } else {
          // A named statement is prepared on its first run, in the same round trip.
          result = try connection.execute(name: name, sql: sql, values: values)
        }
      } catch {
        throw DatabaseError(
          resultCode: error.resultCode, message: error.message, sql: originalSQL,
          sqlState: error.sqlState)
      }
      changes = result?.changes
    }
    guard var current = result else { return (false, changes) }
    blobs.removeAll(keepingCapacity: true)
    row += 1
    if row >= current.rowCount, let cursor, current.rowCount == Self.fetchSize {
      // The chunk is read: the next one.
      do {
        current = try connection.execute(
          name: nil, sql: "FETCH \(Self.fetchSize) FROM \(cursor.name)", values: [])
      } catch {
        throw DatabaseError(
          resultCode: error.resultCode, message: error.message, sql: originalSQL,
          sqlState: error.sqlState)
      }
      result = current
      row = 0
    }
    return (row < current.rowCount, changes)
  }

  /// Runs the statement with `values` as its transaction's last, with the write lock and the
  /// COMMIT (``PostgresConnection/executeCommitting(name:sql:values:)``); ``step(originalSQL:)``
  /// then reads its rows.
  func runCommitting(_ values: [SQLValue], originalSQL: String) throws(DatabaseError) {
    reset(binding: values)
    do {
      result = try connection.executeCommitting(name: name, sql: sql, values: values)
    } catch {
      throw DatabaseError(
        resultCode: error.resultCode, message: error.message, sql: originalSQL,
        sqlState: error.sqlState)
    }
  }

  /// This run as a read to send ahead (``PostgresConnection/readAhead(_:)``): only a named
  /// query, whose results a later run with equal values will take.
  func readAheadRequest(_ values: [SQLValue]) -> (name: String, sql: String, values: [SQLValue])? {
    guard let name, sql.hasPrefix("SELECT") else { return nil }
    return (name, sql, values)
  }

  /// Sends the statement with the next one (``PostgresConnection/executeLater(name:sql:values:writes:)``).
  func executeLater(_ values: [SQLValue], originalSQL: String) throws(DatabaseError) {
    finish()
    do {
      try connection.executeLater(name: name, sql: sql, values: values)
    } catch {
      throw DatabaseError(
        resultCode: error.resultCode, message: error.message, sql: originalSQL,
        sqlState: error.sqlState)
    }
  }

  var columnCount: Int { result?.columnCount ?? 0 }

  private func current() -> PostgresResult? {
    guard let result, row >= 0, row < result.rowCount else { return nil }
    return result
  }

  func value(at column: Int) -> SQLValue {
    guard let result = current(), !result.isNull(row, column) else { return .null }
    switch result.type(column) {
    case Self.bool, Self.int2, Self.int4, Self.int8, Self.oid:
      return integer(at: column).map { .integer($0) } ?? .null
    case Self.bytea: return .blob(blob(at: column) ?? [])
    default:
      return .text(
        withTextBytes(at: column) { $0.map { String(decoding: $0, as: UTF8.self) } } ?? "")
    }
  }

  func withTextBytes<T>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  {
    guard let result = current() else { return try body(nil) }
    if result.type(column) == Self.bool, let bytes = result.bytes(row, column) {
      // SQLite has no booleans: EXISTS and comparisons are 1 and 0.
      let digit: [UInt8] = [bytes.first == UInt8(ascii: "t") ? 49 : 48]
      return try digit.withUnsafeBufferPointer { try body($0) }
    }
    return try body(result.bytes(row, column))
  }

  func isBlob(at column: Int) -> Bool {
    guard let result = current() else { return false }
    return result.type(column) == Self.bytea && !result.isNull(row, column)
  }

  func withBlobBytes<T>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  {
    guard let bytes = blob(at: column) else { return try body(nil) }
    return try bytes.withUnsafeBufferPointer { try body($0) }
  }

  /// A column's bytes: `bytea` decoded from its `\x` hex text, any other type's text bytes.
  private func blob(at column: Int) -> [UInt8]? {
    if let decoded = blobs[column] { return decoded }
    guard let result = current(), let text = result.bytes(row, column) else { return nil }
    var bytes: [UInt8]
    if result.type(column) == Self.bytea, text.count >= 2, text[0] == UInt8(ascii: "\\"),
      text[1] == UInt8(ascii: "x")
    {
      bytes = []
      bytes.reserveCapacity((text.count - 2) / 2)
      var index = 2
      while index + 1 < text.count {
        bytes.append(Self.nibble(text[index]) << 4 | Self.nibble(text[index + 1]))
        index += 2
      }
    } else {
      bytes = Array(text)
    }
    blobs[column] = bytes
    return bytes
  }

  private static func nibble(_ digit: UInt8) -> UInt8 {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    default: digit &- UInt8(ascii: "A") &+ 10
    }
  }

  func integer(at column: Int) -> Int64? {
    guard let result = current(), let text = result.bytes(row, column) else { return nil }
    if result.type(column) == Self.bool { return text.first == UInt8(ascii: "t") ? 1 : 0 }
    var value: Int64 = 0
    var negative = false
    var index = 0
    if text.first == UInt8(ascii: "-") {
      negative = true
      index = 1
    }
    guard index < text.count else { return nil }
    while index < text.count {
      let digit = text[index]
      // numeric results ("12.0") read as their integer part, as SQLite would.
      if digit == UInt8(ascii: ".") { break }
      guard digit >= 48, digit <= 57 else { return nil }
      let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowB) = times.addingReportingOverflow(Int64(digit - 48))
      guard !overflowA, !overflowB else { return nil }
      value = sum
      index += 1
    }
    return negative ? -value : value
  }

  private static let bool: UInt32 = 16
  private static let bytea: UInt32 = 17
  private static let int8: UInt32 = 20
  private static let int2: UInt32 = 21
  private static let int4: UInt32 = 23
  private static let oid: UInt32 = 26
}
