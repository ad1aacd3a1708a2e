import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// A connection to one ledger's storage: an SQLite file, or a PostgreSQL schema
/// (``PostgresLocation``). With ``Statement``, the only code that calls `sqlite3_*`; it hands
/// a server engine's work to its ``ServerConnection`` (PostgreSQL's is in the
/// `TokenLedgerPostgres` module). Not thread-safe by itself; ``Ledger`` serialises access to it.
///
/// Statements are prepared once and cached by their SQL text. Values are always bound. The
/// SQL is SQLite's; a server engine runs it in its own.
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

  /// The engine behind a connection.
  package enum Engine: Sendable, Equatable {
    case sqlite
    case postgres
  }

  enum Connection {
    case sqlite(OpaquePointer)
    case postgres(any ServerConnection)
  }

  let connection: Connection
  /// The server engine behind a PostgreSQL connection; nil on SQLite.
  package let serverEngine: (any ServerEngine)?
  /// The file's path, or the PostgreSQL URL the connection was opened with.
  package let path: String
  let mode: OpenMode

  /// Which engine runs this connection.
  package var engine: Engine {
    switch connection {
    case .sqlite: .sqlite
    case .postgres: .postgres
    }
  }

  /// SQLite's connection handle; only for SQLite code paths.
  var handle: OpaquePointer {
    guard case .sqlite(let handle) = connection else {
      preconditionFailure("an SQLite call on a PostgreSQL connection")
    }
    return handle
  }

  /// True when this connection cannot write the file (opened read-only, or the file is
  /// read-only to this process). SQLite does not even parse CHECK constraints then, so
  /// `PRAGMA integrity_check` on such a connection skips them.
  package var isReadOnly: Bool {
    switch connection {
    case .sqlite(let handle): sqlite3_db_readonly(handle, "main") == 1
    case .postgres: mode == .readOnly || mode == .immutable
    }
  }
  private var statements: [String: Statement] = [:]
  private var preparedCount = 0

  /// A new name for a statement prepared on the PostgreSQL server.
  func nextStatementName() -> String {
    preparedCount += 1
    return "tl\(preparedCount)"
  }
  /// Rows changed by the last INSERT, UPDATE or DELETE on PostgreSQL.
  var postgresChanges = 0
  /// Whether a write transaction takes the ledger's write lock (PostgreSQL, once the ledger's
  /// tables exist).
  var locksHead = false
  /// Whether commits on PostgreSQL wait for the disk (``Durability/full``); such a write
  /// transaction waits after releasing the head lock (``ServerConnection/beginLater(lockSQL:lockLate:flushOutsideLock:retries:)``).
  var postgresDurableCommits = false
  /// The durability the connection was opened with (``Schema/configure(_:durability:)``).
  var durability = Durability.full
  /// Inside a write transaction begun with `lockLate` whose last statement has not run yet
  /// (``writeTransaction(lockLate:_:)``).
  var writeLockDeferred = false
  /// Single operations that began without the write lock and took it before their end (they
  /// needed it, or their reads changed): what ``writeTransaction(lockLate:_:)`` cost in vain.
  package var lockLateRetries = 0
  /// Whether the write transaction's last statement committed it
  /// (``Statement/runCommitting(_:)``).
  var committedByStatement = false

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

  /// Opens `path`: a `postgresql://` URL connects to PostgreSQL (``PostgresLocation``), any
  /// other path opens an SQLite file.
  package init(path: String, mode: OpenMode) throws(DatabaseError) {
    self.path = path
    self.mode = mode
    if let location = PostgresLocation(path) {
      let engine = try Self.serverEngine(for: path)
      if let problem = location.problem {
        throw DatabaseError(
          resultCode: 14, message: "\(PostgresLocation.redacted(path)): \(problem)")
      }
      connection = .postgres(try engine.connect(location, mode: mode))
      serverEngine = engine
      return
    }
    serverEngine = nil
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
    connection = .sqlite(handle)
    sqlite3_busy_timeout(handle, Int32(Limits.busyTimeoutMilliseconds))
    sqlite3_extended_result_codes(handle, 1)
    SQLFunctions.register(on: handle)
  }

  deinit {
    statements.removeAll()
    if case .sqlite(let handle) = connection { sqlite3_close_v2(handle) }
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

  /// Makes this SQLite connection leave its write-ahead log and its index files when it
  /// closes, instead of removing them by name (the format migration, whose old connection
  /// closes after another file has taken the ledger's path). Nothing on PostgreSQL.
  func keepWriteAheadLogOnClose() {
    guard case .sqlite(let handle) = connection else { return }
    var persist: Int32 = 1
    let code = sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
    precondition(code == SQLITE_OK, "SQLITE_FCNTL_PERSIST_WAL on a file connection")
  }

  /// Opens a ledger to read. A write-ahead-log ledger needs its `-shm` file, which SQLite
  /// cannot create in a directory this process may not write (a read-only mount, an
  /// auditor's copy): then, and only when there is no `-wal` file whose commits would be
  /// ignored, the file is opened immutable instead.
  package static func openForReading(_ path: String) throws(DatabaseError) -> Database {
    let database = try Database(path: path, mode: .readOnly)
    if database.engine == .postgres { return database }
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

  /// The statement for `sql`, prepared on first use and cached by its text.
  func statement(_ sql: String) throws(DatabaseError) -> Statement {
    if let cached = statements[sql] { return cached }
    let statement = try Statement(database: self, sql: sql, name: nextStatementName())
    statements[sql] = statement
    return statement
  }

  /// Runs SQL that may hold several statements and no parameters (schema, pragmas).
  package func executeScript(_ sql: String) throws(DatabaseError) {
    if faultInjector != nil {
      if sql == "COMMIT", let fault = injectedFault(.commit) { throw fault }
      if sql.hasPrefix("BEGIN"), let fault = injectedFault(.begin) { throw fault }
    }
    if case .postgres(let postgres) = connection {
      if writeLockDeferred, sql != "COMMIT", sql != "ROLLBACK" {
        throw DatabaseError.needsWriteLock(sql)
      }
      return try postgres.runScript(sql)
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
    statement.finish()
  }

  /// Runs a query and hands each row to `body`.
  package func forEachRow(
    _ sql: String, _ values: [SQLValue] = [], _ body: (Row) throws -> Void
  ) throws {
    let statement = try self.statement(sql)
    statement.reset(binding: values, streaming: true)
    defer { statement.finish() }
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
    defer { statement.finish() }
    return try statement.step() ? transform(Row(statement: statement)) : nil
  }

  /// The number of rows the last INSERT, UPDATE or DELETE changed.
  package var changes: Int {
    switch connection {
    case .sqlite(let handle): Int(sqlite3_changes(handle))
    case .postgres: postgresChanges
    }
  }

  /// The stored form of idempotency id `id` on this engine: SQLite keeps an on-chain id as
  /// bytes (``StoredId``), PostgreSQL keeps every id as its text.
  func storedId(_ id: String) -> SQLValue {
    engine == .postgres ? .text(id) : StoredId.value(id)
  }

  /// Round trips to the PostgreSQL server so far (0 on SQLite): what a durable commit costs.
  package var postgresRoundTrips: Int {
    guard case .postgres(let postgres) = connection else { return 0 }
    return postgres.roundTrips
  }

  /// Statements sent to the PostgreSQL server so far (0 on SQLite).
  package var postgresStatements: Int {
    guard case .postgres(let postgres) = connection else { return 0 }
    return postgres.statementsSent
  }

  /// True inside a transaction that has not failed.
  var isInGoodTransaction: Bool {
    switch connection {
    case .sqlite(let handle): sqlite3_get_autocommit(handle) == 0
    case .postgres(let postgres): postgres.isInGoodTransaction
    }
  }

  /// True inside an open transaction.
  package var isInTransaction: Bool {
    switch connection {
    case .sqlite(let handle): sqlite3_get_autocommit(handle) == 0
    case .postgres(let postgres): postgres.isInTransaction
    }
  }
}
