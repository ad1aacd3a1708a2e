import CPostgres

/// One libpq connection: with ``PostgresResult``, the only code that calls `PQ*`. Synchronous,
/// like the SQLite layer; not thread-safe by itself (``Database`` is used under ``Ledger``'s
/// lock).
///
/// Every value travels as a bound parameter in text format, and every result comes back in
/// text format: integers as decimal digits, `bytea` as `\x` and hex digits, booleans as `t` or
/// `f`. Types are PostgreSQL's to infer from the statement, so the library's SQL casts where
/// the context does not say (`CAST(? AS TEXT)`, which SQLite reads the same way).
final class PostgresConnection {
  let handle: OpaquePointer

  /// Connects with a libpq connection string or URL (the `ledger` parameter already removed).
  init(conninfo: String) throws(DatabaseError) {
    guard let handle = PQconnectdb(conninfo) else {
      throw DatabaseError(resultCode: 14, message: "libpq could not allocate a connection")
    }
    guard PQstatus(handle) == CONNECTION_OK else {
      let message = String(cString: PQerrorMessage(handle))
      PQfinish(handle)
      throw DatabaseError(
        resultCode: 14,
        message: "cannot connect to PostgreSQL: "
          + message.trimmingTrailingNewlines(), sqlState: "08001")
    }
    self.handle = handle
    // NOTICEs (e.g. "relation already exists, skipping") are not the library's output.
    PQsetNoticeProcessor(handle, { _, _ in }, nil)
  }

  deinit { PQfinish(handle) }

  /// True inside a transaction block (also an aborted one).
  var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

  /// True inside a transaction block that has not failed.
  var isInGoodTransaction: Bool { PQtransactionStatus(handle) == PQTRANS_INTRANS }

  /// Counts transaction boundaries (BEGIN, COMMIT, ROLLBACK) sent through
  /// ``executeScript(_:)``, so that a cursor is closed only in the transaction that opened it.
  private(set) var transactionGeneration = 0
  private var cursorCount = 0

  /// A new name for a server-side cursor.
  func nextCursorName() -> String {
    cursorCount += 1
    return "tlc\(cursorCount)"
  }

  /// A statement whose result nobody reads, held back to travel with the next one.
  private struct Deferred {
    let name: String?
    let sql: String
    let values: [SQLValue]
  }

  /// Writes sent later, in one pipeline with the next statement (``executeLater(name:sql:values:)``).
  private var deferred: [Deferred] = []
  /// Held-back writes past which they are sent at once (their results must fit the socket's
  /// buffer while the pipeline is being sent).
  private static let deferredMax = 256

  /// Runs SQL without parameters, possibly several statements; the last result is checked.
  /// Held-back writes go first, in the same round trip when `sql` is one statement; a
  /// `ROLLBACK` drops them unsent (they would be undone).
  func executeScript(_ sql: String) throws(DatabaseError) {
    if sql.hasPrefix("BEGIN") || sql.hasPrefix("COMMIT") || sql == "ROLLBACK" {
      transactionGeneration += 1
    }
    if !deferred.isEmpty {
      if sql.hasPrefix("ROLLBACK") {
        deferred.removeAll()
      } else if !sql.contains(";") {
        _ = try pipeline(deferred + [Deferred(name: nil, sql: sql, values: [])])
        return
      } else {
        _ = try pipeline(deferred)
      }
    }
    let result = PostgresResult(PQexec(handle, sql), connection: self)
    try result.check(sql: sql)
  }

  /// Queues a write whose result is not read (no rows, no changed-row count): it is sent with
  /// the next statement, in one round trip, and an error it raises is thrown by that statement
  /// (or by the COMMIT). A durable single-operation commit is mostly round trips.
  func executeLater(name: String?, sql: String, values: [SQLValue]) throws(DatabaseError) {
    deferred.append(Deferred(name: name, sql: sql, values: values))
    if deferred.count >= Self.deferredMax { _ = try pipeline(deferred) }
  }

  /// Prepares `sql` (with `$1…$n` parameters) under `name` for this connection's lifetime,
  /// the parameters typed as `values` are (see ``parameterTypes(_:)``).
  func prepare(name: String, sql: String, typedAs values: [SQLValue]) throws(DatabaseError) {
    let types = Self.parameterTypes(values)
    let result = PostgresResult(
      PQprepare(handle, name, sql, Int32(types.count), types), connection: self)
    try result.check(sql: sql)
  }

  /// Each parameter's type from its value: `bigint` for an integer, `text` for text, `bytea`
  /// for bytes (as SQLite, where a value has its type wherever it is used), and PostgreSQL's
  /// inference for NULL: a parameter that may be NULL where nothing says its type is cast in
  /// the SQL (`CAST(? AS TEXT) IS NULL`), which reads the same on SQLite.
  static func parameterTypes(_ values: [SQLValue]) -> [UInt32] {
    values.map { value in
      switch value {
      case .null: 0
      case .integer: 20
      case .text: 25
      case .blob: 17
      }
    }
  }

  /// Runs a statement prepared as `name`, or, when `name` is nil, `sql` unprepared; held-back
  /// writes travel before it in the same round trip.
  func execute(name: String?, sql: String, values: [SQLValue]) throws(DatabaseError)
    -> PostgresResult
  {
    if !deferred.isEmpty {
      return try pipeline(deferred + [Deferred(name: name, sql: sql, values: values)])
    }
    let raw = Self.withParameters(values) { parameters, types in
      if let name {
        return PQexecPrepared(handle, name, Int32(values.count), parameters, nil, nil, 0)
      }
      return PQexecParams(handle, sql, Int32(values.count), types, parameters, nil, nil, 0)
    }
    let result = PostgresResult(raw, connection: self)
    try result.check(sql: sql)
    return result
  }

  /// Sends `queries` in one pipeline (libpq's pipeline mode: one round trip), reads every
  /// result, and returns the last query's. The first error is thrown; the queries after it did
  /// not run. The held-back writes are gone either way.
  private func pipeline(_ queries: [Deferred]) throws(DatabaseError) -> PostgresResult {
    deferred.removeAll()
    guard PQenterPipelineMode(handle) == 1 else {
      throw DatabaseError(
        resultCode: 10, message: "PostgreSQL: cannot enter pipeline mode: \(errorMessage)",
        sqlState: "08006")
    }
    var firstError: DatabaseError?
    for query in queries {
      let sent = Self.withParameters(query.values) { parameters, types in
        if let name = query.name {
          return PQsendQueryPrepared(
            handle, name, Int32(query.values.count), parameters, nil, nil, 0)
        }
        return PQsendQueryParams(
          handle, query.sql, Int32(query.values.count), types, parameters, nil, nil, 0)
      }
      if sent != 1, firstError == nil {
        firstError = DatabaseError(
          resultCode: 10, message: "PostgreSQL: \(errorMessage)", sql: query.sql, sqlState: "08006")
      }
    }
    PQpipelineSync(handle)
    var last: PostgresResult?
    for query in queries {
      while let raw = PQgetResult(handle) {
        let result = PostgresResult(raw, connection: self)
        if PQresultStatus(raw) != PGRES_PIPELINE_ABORTED, firstError == nil {
          do { try result.check(sql: query.sql) } catch { firstError = error }
        }
        last = result
      }
    }
    // The sync point's own result, then out of pipeline mode.
    while let raw = PQgetResult(handle) {
      let status = PQresultStatus(raw)
      PQclear(raw)
      if status == PGRES_PIPELINE_SYNC { break }
    }
    if PQexitPipelineMode(handle) != 1, firstError == nil {
      firstError = DatabaseError(
        resultCode: 10, message: "PostgreSQL: cannot leave pipeline mode: \(errorMessage)",
        sqlState: "08006")
    }
    if let firstError { throw firstError }
    guard let last else {
      throw DatabaseError(
        resultCode: 10, message: "PostgreSQL: a pipeline returned no result", sqlState: "08006")
    }
    return last
  }

  /// Text-format parameters as NUL-terminated C strings, and their types, valid during `body`.
  private static func withParameters<T>(
    _ values: [SQLValue],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UInt32>?) -> T
  ) -> T {
    var buffers: [UnsafeMutablePointer<CChar>?] = []
    buffers.reserveCapacity(values.count)
    defer { for buffer in buffers { buffer?.deallocate() } }
    for value in values {
      switch value {
      case .null: buffers.append(nil)
      case .integer(let integer): buffers.append(cString(Array(String(integer).utf8)))
      case .text(let text): buffers.append(cString(Array(text.utf8)))
      case .blob(let bytes):
        var hex: [UInt8] = Array("\\x".utf8)
        hex.reserveCapacity(2 + bytes.count * 2)
        let digits = Array("0123456789abcdef".utf8)
        for byte in bytes {
          hex.append(digits[Int(byte >> 4)])
          hex.append(digits[Int(byte & 0xF)])
        }
        buffers.append(cString(hex))
      }
    }
    let types = parameterTypes(values)
    return buffers.withUnsafeBufferPointer { pointers in
      pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { parameters in
        types.withUnsafeBufferPointer { body(parameters.baseAddress, $0.baseAddress) }
      }
    }
  }

  private static func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
    bytes.withUnsafeBytes { raw in
      UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
    }
    buffer[bytes.count] = 0
    return buffer
  }

  /// libpq's last error message for this connection.
  var errorMessage: String { String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines() }
}

/// A statement's result: rows in text format, or a command's status. Owns its `PGresult`.
final class PostgresResult {
  private let handle: OpaquePointer?
  private unowned let connection: PostgresConnection
  let rowCount: Int
  let columnCount: Int

  init(_ handle: OpaquePointer?, connection: PostgresConnection) {
    self.handle = handle
    self.connection = connection
    rowCount = handle.map { Int(PQntuples($0)) } ?? 0
    columnCount = handle.map { Int(PQnfields($0)) } ?? 0
  }

  deinit { PQclear(handle) }

  /// Throws the statement's error, mapped to SQLite's result codes so that callers decide
  /// the same way on either engine (a unique violation is SQLITE_CONSTRAINT_UNIQUE, a lock
  /// timeout or a serialization failure is SQLITE_BUSY…); the SQLSTATE is kept.
  func check(sql: String) throws(DatabaseError) {
    guard let handle else {
      throw DatabaseError(
        resultCode: 10, message: "PostgreSQL: \(connection.errorMessage)", sql: sql,
        sqlState: "08006")
    }
    switch PQresultStatus(handle) {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
    default:
      let state = PQresultErrorField(handle, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
      let message =
        PQresultErrorField(handle, Int32(UInt8(ascii: "M")))
        .map { String(cString: $0) } ?? connection.errorMessage
      throw DatabaseError(
        resultCode: Self.resultCode(sqlState: state ?? ""), message: message, sql: sql,
        sqlState: state ?? "08006")
    }
  }

  /// SQLite's (extended) result code for a PostgreSQL SQLSTATE.
  static func resultCode(sqlState: String) -> Int32 {
    switch sqlState {
    case "23505": return 2067  // SQLITE_CONSTRAINT_UNIQUE
    case "23514": return 275  // SQLITE_CONSTRAINT_CHECK
    case "23503": return 787  // SQLITE_CONSTRAINT_FOREIGNKEY
    case "23502": return 1299  // SQLITE_CONSTRAINT_NOTNULL
    case "40001", "40P01", "55P03", "57014": return 5  // SQLITE_BUSY
    case "53100": return 13  // SQLITE_FULL
    case "53200": return 7  // SQLITE_NOMEM
    case "25006": return 8  // SQLITE_READONLY
    case "XX001", "XX002": return 11  // SQLITE_CORRUPT
    default:
      if sqlState.hasPrefix("23") { return 19 }  // SQLITE_CONSTRAINT
      if sqlState.hasPrefix("08") || sqlState.hasPrefix("58") { return 10 }  // SQLITE_IOERR
      return 1  // SQLITE_ERROR
    }
  }

  /// Rows changed by an INSERT, UPDATE or DELETE.
  var changes: Int {
    guard let handle, let text = PQcmdTuples(handle) else { return 0 }
    return Int(String(cString: text)) ?? 0
  }

  func isNull(_ row: Int, _ column: Int) -> Bool {
    PQgetisnull(handle, Int32(row), Int32(column)) == 1
  }

  /// The column's type OID (16 bool, 17 bytea, 20/21/23 integers, 25 text, 1700 numeric…).
  func type(_ column: Int) -> UInt32 { PQftype(handle, Int32(column)) }

  /// The value's text-format bytes, valid while the result lives; nil for NULL.
  func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8>? {
    guard !isNull(row, column), let pointer = PQgetvalue(handle, Int32(row), Int32(column))
    else { return nil }
    let count = Int(PQgetlength(handle, Int32(row), Int32(column)))
    return UnsafeRawPointer(pointer).withMemoryRebound(to: UInt8.self, capacity: count) {
      UnsafeBufferPointer(start: $0, count: count)
    }
  }
}

extension String {
  fileprivate func trimmingTrailingNewlines() -> String {
    var text = self
    while text.last == "\n" { text.removeLast() }
    return text
  }
}
