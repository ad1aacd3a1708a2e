import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// A connection to one SQLite file: the only type that calls `sqlite3_*` besides
/// ``Statement``. Not thread-safe by itself; ``Ledger`` serialises access to it.
///
/// Statements are prepared once and cached by their SQL text. Values are always bound.
package final class Database {
  /// How a connection opens its file.
  package enum OpenMode: Sendable {
    /// Create the file (mode 0600) when it is missing.
    case create
    /// The file must exist.
    case existing
    /// The file must exist; no write is possible through this connection.
    case readOnly
    /// Read-only, and SQLite told the file cannot change while it is open (`immutable=1`): no
    /// lock, no `-shm`. Only for a ledger in a directory this process cannot write (a
    /// read-only mount, a backup) whose write-ahead log is empty.
    case immutable
  }

  let handle: OpaquePointer
  package let path: String

  /// True when this connection cannot write the file (opened read-only, or the file is
  /// read-only to this process). SQLite does not even parse CHECK constraints then, so
  /// `PRAGMA integrity_check` on such a connection skips them.
  package var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }
  private var statements: [String: Statement] = [:]

  /// Where a fault can be injected: before a statement steps, before `BEGIN`, before `COMMIT`.
  enum FaultSite: Sendable, Equatable {
    case step(String)
    case begin
    case commit
  }

  /// A test hook: called before each fault site; a non-nil SQLite result code makes that call
  /// fail with it, as a full disk, an I/O error or a busy lock would. Never set in production.
  var faultInjector: ((FaultSite) -> Int32?)?

  func injectedFault(_ site: FaultSite) -> DatabaseError? {
    guard let code = faultInjector?(site) else { return nil }
    return DatabaseError(resultCode: code, message: "injected fault at \(site)")
  }

  package init(path: String, mode: OpenMode) throws(DatabaseError) {
    var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
    switch mode {
    case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
    case .existing: flags |= SQLITE_OPEN_READWRITE
    case .readOnly: flags |= SQLITE_OPEN_READONLY
    case .immutable: flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
    }
    if mode == .create && path != ":memory:" && !path.isEmpty {
      Self.createPrivateFile(path)
    }
    var handle: OpaquePointer?
    let name = mode == .immutable ? Self.immutableURI(path) : path
    let code = sqlite3_open_v2(name, &handle, flags, nil)
    guard code == SQLITE_OK, let handle else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      sqlite3_close_v2(handle)
      throw DatabaseError(resultCode: code, message: "\(message): \(path)")
    }
    self.handle = handle
    self.path = path
    sqlite3_busy_timeout(handle, Int32(Limits.busyTimeoutMilliseconds))
    sqlite3_extended_result_codes(handle, 1)
    SQLFunctions.register(on: handle)
  }

  deinit {
    statements.removeAll()
    sqlite3_close_v2(handle)
  }

  /// `file:PATH?immutable=1`, the path's URI-special characters percent-encoded.
  static func immutableURI(_ path: String) -> String {
    var encoded = ""
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"):
        encoded += "%" + String(byte, radix: 16, uppercase: true)
      default: encoded.unicodeScalars.append(Unicode.Scalar(byte))
      }
    }
    return "file:" + (path.hasPrefix("/") ? "" : "./") + encoded + "?immutable=1"
  }

  /// Opens a ledger to read. A write-ahead-log ledger needs its `-shm` file, which SQLite
  /// cannot create in a directory this process may not write (a read-only mount, an
  /// auditor's copy): then, and only when there is no `-wal` file whose commits would be
  /// ignored, the file is opened immutable instead.
  package static func openForReading(_ path: String) throws(DatabaseError) -> Database {
    let database = try Database(path: path, mode: .readOnly)
    do {
      _ = try database.firstRow("PRAGMA user_version") { $0.integer(0) }
      return database
    } catch let error as DatabaseError {
      guard error.resultCode & 0xFF == SQLITE_READONLY, access(path + "-wal", F_OK) != 0 else {
        throw error
      }
      return try Database(path: path, mode: .immutable)
    } catch {
      preconditionFailure("reading user_version threw \(error)")
    }
  }

  /// Creates a missing file with mode 0600 so that a ledger is never world-readable, even for
  /// the moment before SQLite writes its header.
  private static func createPrivateFile(_ path: String) {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
  }

  func error(code: Int32, sql: String?) -> DatabaseError {
    DatabaseError(
      resultCode: sqlite3_extended_errcode(handle) == 0 ? code : sqlite3_extended_errcode(handle),
      message: String(cString: sqlite3_errmsg(handle)), sql: sql)
  }

  func statement(_ sql: String) throws(DatabaseError) -> Statement {
    if let cached = statements[sql] { return cached }
    let statement = try Statement(database: self, sql: sql)
    statements[sql] = statement
    return statement
  }

  /// Runs SQL that may hold several statements and no parameters (schema, pragmas).
  package func executeScript(_ sql: String) throws(DatabaseError) {
    if faultInjector != nil {
      if sql == "COMMIT", let fault = injectedFault(.commit) { throw fault }
      if sql.hasPrefix("BEGIN"), let fault = injectedFault(.begin) { throw fault }
    }
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    guard code == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? "failed"
      sqlite3_free(message)
      throw DatabaseError(resultCode: code, message: text, sql: sql)
    }
  }

  /// Runs one statement with bound values, discarding any rows.
  package func execute(_ sql: String, _ values: [SQLValue] = []) throws(DatabaseError) {
    let statement = try self.statement(sql)
    statement.reset(binding: values)
    while try statement.step() {}
    sqlite3_reset(statement.handle)
  }

  /// Runs a query and hands each row to `body`.
  package func forEachRow(
    _ sql: String, _ values: [SQLValue] = [], _ body: (Row) throws -> Void
  ) throws {
    let statement = try self.statement(sql)
    statement.reset(binding: values)
    defer { sqlite3_reset(statement.handle) }
    while try statement.step() {
      try body(Row(statement: statement))
    }
  }

  /// The first row of a query, mapped; `nil` when there is none.
  package func firstRow<T>(
    _ sql: String, _ values: [SQLValue] = [], _ transform: (Row) throws -> T
  ) throws -> T? {
    let statement = try self.statement(sql)
    statement.reset(binding: values)
    defer { sqlite3_reset(statement.handle) }
    return try statement.step() ? transform(Row(statement: statement)) : nil
  }

  /// The number of rows the last INSERT, UPDATE or DELETE changed.
  package var changes: Int { Int(sqlite3_changes(handle)) }

  /// True inside an open transaction.
  package var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
