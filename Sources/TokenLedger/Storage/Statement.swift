import CSQLite

/// A prepared statement: SQLite's, or a server engine's with its latest result. Owns its
/// handle and finalizes it. Only `Storage/` sees it.
final class Statement {
  private enum Backend {
    case sqlite(OpaquePointer)
    case postgres(any ServerStatement)
  }

  private let backend: Backend
  let sql: String
  unowned let database: Database
  /// Whether the statement may run in a write transaction that has not taken the write lock
  /// yet (``Database/writeTransaction(lockLate:_:)``): a read whose answer the transaction's
  /// last statement checks again under the lock. Any other statement there throws
  /// ``DatabaseError/needsWriteLock(_:)``.
  var runsBeforeWriteLock = false

  /// Prepares `sql`; on PostgreSQL a statement named `name` is prepared on the server (on its
  /// first run) for the connection's lifetime, and one without a name is sent with its values
  /// each time.
  init(database: Database, sql: String, name: String? = nil) throws(DatabaseError) {
    #if DEBUG
      if let problem = StatementParameters.problem(in: sql) {
        preconditionFailure("\(problem): \(sql.prefix(200))")
      }
    #endif
    self.sql = sql
    self.database = database
    switch database.connection {
    case .postgres(let connection):
      backend = .postgres(connection.statement(name: name, sql: sql))
    case .sqlite(let connectionHandle):
      var handle: OpaquePointer?
      let code = sqlite3_prepare_v3(
        connectionHandle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
      guard code == SQLITE_OK, let handle else {
        throw database.error(code: code, sql: sql)
      }
      backend = .sqlite(handle)
    }
  }

  deinit { if case .sqlite(let handle) = backend { sqlite3_finalize(handle) } }

  /// Queues the statement on PostgreSQL to go with the next one (see
  /// ``PreparedStatement/executeDeferred(_:)``).
  func executeLater(_ values: [SQLValue]) throws(DatabaseError) {
    guard case .postgres(let statement) = backend else {
      preconditionFailure("only PostgreSQL defers statements")
    }
    if database.faultInjector != nil, let fault = database.injectedFault(.step(sql)) { throw fault }
    if database.writeLockDeferred { throw DatabaseError.needsWriteLock(sql) }
    try statement.executeLater(values, originalSQL: sql)
  }

  /// Runs the statement as its transaction's last, with the write lock and the COMMIT in the
  /// same round trip (the server connection's `executeCommitting`); its rows
  /// are then read with ``step()``. Only on PostgreSQL, in a transaction begun with `lockLate`.
  func runCommitting(_ values: [SQLValue]) throws(DatabaseError) {
    guard case .postgres(let statement) = backend else {
      preconditionFailure("only PostgreSQL takes the write lock with the last statement")
    }
    if database.faultInjector != nil, let fault = database.injectedFault(.commit) { throw fault }
    database.writeLockDeferred = false
    try statement.runCommitting(values, originalSQL: sql)
    database.committedByStatement = true
  }

  /// A run with `values` to send ahead on PostgreSQL (see ``Database/readAhead(_:)``); nil on
  /// SQLite, whose reads cost no round trip.
  func readAheadRequest(_ values: [SQLValue]) -> (name: String, sql: String, values: [SQLValue])? {
    guard case .postgres(let statement) = backend else { return nil }
    return statement.readAheadRequest(values)
  }

  /// Ends a run: resets SQLite's statement, drops PostgreSQL's result.
  func finish() {
    switch backend {
    case .sqlite(let handle): sqlite3_reset(handle)
    case .postgres(let statement): statement.finish()
    }
  }

  /// Binds the values to parameters 1…n after clearing any previous run. `streaming`: the run
  /// may read its rows a chunk at a time (PostgreSQL; SQLite always steps row by row).
  func reset(binding values: [SQLValue], streaming: Bool = false) {
    let handle: OpaquePointer
    switch backend {
    case .sqlite(let sqlite): handle = sqlite
    case .postgres(let statement): return statement.reset(binding: values, streaming: streaming)
    }
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    precondition(
      Int(sqlite3_bind_parameter_count(handle)) == values.count,
      "statement \(sql) takes \(sqlite3_bind_parameter_count(handle)) parameters")
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .null: code = sqlite3_bind_null(handle, index)
      case .integer(let integer): code = sqlite3_bind_int64(handle, index, integer)
      case .text(var text):
        // With its byte count, not as a C string: a NUL inside the text must not end it.
        code = text.withUTF8 { utf8 in
          guard let base = utf8.baseAddress else {
            return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
          }
          return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
            sqlite3_bind_text(handle, index, $0, Int32(utf8.count), sqliteTransient)
          }
        }
      case .blob(let bytes):
        code = bytes.withUnsafeBytes {
          sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), sqliteTransient)
        }
      }
      // A bind fails only for an out-of-range index or out of memory: a bug, not input.
      precondition(code == SQLITE_OK, "bind \(index) of \(sql) failed with \(code)")
    }
  }

  /// Advances one row; `true` while a row is available.
  func step() throws(DatabaseError) -> Bool {
    if database.faultInjector != nil, let fault = database.injectedFault(.step(sql)) { throw fault }
    let handle: OpaquePointer
    switch backend {
    case .sqlite(let sqlite): handle = sqlite
    case .postgres(let statement):
      if database.writeLockDeferred, !runsBeforeWriteLock {
        throw DatabaseError.needsWriteLock(sql)
      }
      let (hasRow, changes) = try statement.step(originalSQL: sql)
      if let changes { database.postgresChanges = changes }
      return hasRow
    }
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      let error = database.error(code: code, sql: sql)
      sqlite3_reset(handle)
      throw error
    }
  }

  func columnCount() -> Int {
    switch backend {
    case .sqlite(let handle): Int(sqlite3_column_count(handle))
    case .postgres(let statement): statement.columnCount
    }
  }

  func value(at column: Int) -> SQLValue {
    let handle: OpaquePointer
    switch backend {
    case .sqlite(let sqlite): handle = sqlite
    case .postgres(let statement): return statement.value(at: column)
    }
    let index = Int32(column)
    switch sqlite3_column_type(handle, index) {
    case SQLITE_NULL: return .null
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(handle, index))
      guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
      return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
    default:
      return .text(text(at: column) ?? "")
    }
  }

  func text(at column: Int) -> String? {
    withTextBytes(at: column) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
  }

  /// The column's text form as UTF-8 bytes (embedded NULs included), valid only during
  /// `body`; nil for NULL.
  func withTextBytes<T>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  {
    let handle: OpaquePointer
    switch backend {
    case .sqlite(let sqlite): handle = sqlite
    case .postgres(let statement): return try statement.withTextBytes(at: column, body)
    }
    let index = Int32(column)
    guard let pointer = sqlite3_column_text(handle, index) else { return try body(nil) }
    let count = Int(sqlite3_column_bytes(handle, index))
    return try body(UnsafeBufferPointer(start: pointer, count: count))
  }

  func isBlob(at column: Int) -> Bool {
    switch backend {
    case .sqlite(let handle): sqlite3_column_type(handle, Int32(column)) == SQLITE_BLOB
    case .postgres(let statement): statement.isBlob(at: column)
    }
  }

  /// The column's bytes as a BLOB, valid only during `body`; nil for NULL.
  func withBlobBytes<T>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  {
    let handle: OpaquePointer
    switch backend {
    case .sqlite(let sqlite): handle = sqlite
    case .postgres(let statement): return try statement.withBlobBytes(at: column, body)
    }
    let index = Int32(column)
    guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return try body(nil) }
    let count = Int(sqlite3_column_bytes(handle, index))
    guard count > 0, let pointer = sqlite3_column_blob(handle, index) else {
      return try body(UnsafeBufferPointer(start: nil, count: 0))
    }
    return try body(
      UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: count))
  }

  func integer(at column: Int) -> Int64? {
    let handle: OpaquePointer
    switch backend {
    case .sqlite(let sqlite): handle = sqlite
    case .postgres(let statement): return statement.integer(at: column)
    }
    let index = Int32(column)
    guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
    return sqlite3_column_int64(handle, index)
  }
}

/// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes, since Swift may free them after the call.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
