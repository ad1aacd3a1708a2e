import CPostgres
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

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
      let message = PostgresLocation.scrubbed(
        String(cString: PQerrorMessage(handle)), conninfo: conninfo)
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

  /// True inside a transaction block (also an aborted one), or once one is begun and not yet
  /// sent (``beginLater(lockSQL:flushOutsideLock:retries:)``).
  /// A connection that was lost is in none: the next statement fails on it.
  var isInTransaction: Bool {
    beginPending
      || [PQTRANS_INTRANS, PQTRANS_INERROR, PQTRANS_ACTIVE].contains(PQtransactionStatus(handle))
  }

  /// True inside a transaction block that has not failed (or one begun and not yet sent).
  var isInGoodTransaction: Bool {
    beginPending || PQtransactionStatus(handle) == PQTRANS_INTRANS
  }

  /// Whether the held-back writes start with a `BEGIN` and the lock of ``beginLater(lockSQL:flushOutsideLock:retries:)``.
  var beginPending = false

  /// The lock a transaction begun with `lockLate` takes with its last statement.
  var lateLock: Deferred?

  /// Statements without parameters prepared for the connection's lifetime, by SQL.
  var fixedNames: [String: String] = [:]

  /// The COMMIT and the flush that follows it (``beginLater(lockSQL:flushOutsideLock:retries:)``),
  /// and the ROLLBACK and the flush.
  var commitStatements: [Deferred] = []

  var endStatements: [Deferred] = []

  var lockRetries = 0

  /// Whether this transaction's COMMIT or ROLLBACK is followed by ``flushStatement``.
  var flushesAtCommit = false

  /// Round trips to the server so far: a statement, a pipeline, a PREPARE (tests count them).
  /// (Counted by the pipeline, in `PostgresConnection+Pipeline.swift`.)
  var roundTrips = 0
  /// Statements sent so far, each of a pipeline and a script as one: the server's work for a
  /// commit, beside its round trips (tests count them).
  var statementsSent = 0
  /// Pipelines sent again because their transaction's lock timed out.
  private(set) var lockTimeoutsRetried = 0
  /// The WAL location of the last durable commit's flush (``flushStatement``).
  var lastFlushLocation: String?

  /// Counts transaction boundaries (BEGIN, COMMIT, ROLLBACK) sent through
  /// ``executeScript(_:)``, so that a cursor is closed only in the transaction that opened it.
  var transactionGeneration = 0
  private var cursorCount = 0

  /// A new name for a server-side cursor.
  func nextCursorName() -> String {
    cursorCount += 1
    return "tlc\(cursorCount)"
  }

  /// A statement whose result nobody reads, held back to travel with the next one.
  struct Deferred {
    let name: String?
    let sql: String
    let values: [SQLValue]
    /// The lock statement of a held-back `BEGIN`: when it times out, nothing after it ran, and
    /// the pipeline is sent again (``pipeline(_:)``).
    var isLock = false
    /// Whether the named statement is prepared first, in the same pipeline (its first run).
    var prepares = false
  }

  /// Names of the statements prepared on the server (a statement is prepared on its first
  /// run, its parameters typed as that run's values are), and those whose PREPARE is queued.
  var preparedNames: Set<String> = []
  var preparesQueued: Set<String> = []

  /// `query`, marked to be prepared first when its name is neither prepared nor queued to be.
  func preparingIfNeeded(_ query: Deferred) -> Deferred {
    guard let name = query.name, !preparedNames.contains(name), !preparesQueued.contains(name)
    else { return query }
    preparesQueued.insert(name)
    var first = query
    first.prepares = true
    return first
  }

  /// A read sent ahead: a prepared statement's name and values.
  struct ReadKey: Hashable {
    let name: String
    let values: [SQLValue]
  }

  /// Results of reads sent ahead (``readAhead(_:)``) and not yet taken. Emptied by any write,
  /// sent or held back, and by any transaction boundary: a result is handed out only while it
  /// is what the same statement would read now.
  var readsAhead: [ReadKey: PostgresResult] = [:]

  /// Statements sent later, in one pipeline with the next one (``executeLater(name:sql:values:writes:)``).
  var deferred: [Deferred] = []
  /// Held-back writes past which they are sent at once (their results must fit the socket's
  /// buffer while the pipeline is being sent).
  static let deferredMax = 256

  /// Runs SQL without parameters, possibly several statements; the last result is checked.
  /// Held-back writes go first, in the same round trip when `sql` is one statement; a
  /// `ROLLBACK` drops them unsent (they would be undone).
  func executeScript(_ sql: String) throws(DatabaseError) {
    readsAhead.removeAll()
    if sql.hasPrefix("BEGIN") || sql.hasPrefix("COMMIT") || sql == "ROLLBACK" {
      transactionGeneration += 1
    }
    let flushes = flushesAtCommit
    if sql == "COMMIT" || sql == "ROLLBACK" {
      flushesAtCommit = false
      lateLock = nil
    }
    if sql == "ROLLBACK", beginPending {
      // Nothing was sent: there is nothing to undo on the server, and nothing was read.
      deferred.removeAll()
      preparesQueued.removeAll()
      beginPending = false
      return
    }
    if flushes, sql == "COMMIT" || sql == "ROLLBACK" {
      // Whatever the transaction answers (applied, unchanged, or failed) may rest on another
      // writer's commit that is not on disk yet: the flush covers it too.
      let ending = sql == "COMMIT" ? deferred + commitStatements : endStatements
      do {
        let flushed = try pipeline(ending)
        lastFlushLocation = flushed.rowCount == 1 ? flushed.text(0, 0) : nil
      } catch {
        throw sql == "COMMIT" ? commitOutcomeUnknown(error) : error
      }
      return
    }
    do {
      try run(sql)
    } catch {
      throw sql == "COMMIT" ? commitOutcomeUnknown(error) : error
    }
  }

  /// ``executeScript(_:)`` once transaction ends are dealt with.
  private func run(_ sql: String) throws(DatabaseError) {
    if !deferred.isEmpty {
      if sql.hasPrefix("ROLLBACK") {
        deferred.removeAll()
        preparesQueued.removeAll()
      } else if !sql.contains(";") {
        _ = try pipeline(deferred + [Deferred(name: nil, sql: sql, values: [])])
        return
      } else {
        _ = try pipeline(deferred)
      }
    }
    roundTrips += 1
    statementsSent += 1
    let result = PostgresResult(PQexec(handle, sql), connection: self)
    try result.check(sql: sql)
  }

  /// Sends reads in one round trip (with any held-back writes before them), and keeps their
  /// results for the statements that will make them (``takeReadAhead(name:values:)``). For a
  /// write transaction's predictable reads: a read predicted and not made costs nothing but
  /// its share of the round trip.
  func readAhead(_ reads: [(name: String, sql: String, values: [SQLValue])]) throws(DatabaseError) {
    let fresh = reads.filter { readsAhead[ReadKey(name: $0.name, values: $0.values)] == nil }
    guard !fresh.isEmpty else { return }
    let queries = fresh.map {
      preparingIfNeeded(Deferred(name: $0.name, sql: $0.sql, values: $0.values))
    }
    let results = try pipelineResults(deferred + queries)
    for (read, result) in zip(fresh, results.suffix(fresh.count)) {
      readsAhead[ReadKey(name: read.name, values: read.values)] = result
    }
  }

  /// The result of a read sent ahead with these values, once; nil when there is none.
  func takeReadAhead(name: String, values: [SQLValue]) -> PostgresResult? {
    guard !readsAhead.isEmpty else { return nil }
    return readsAhead.removeValue(forKey: ReadKey(name: name, values: values))
  }

  /// Prepares `sql` (with `$1…$n` parameters) under `name` for this connection's lifetime,
  /// the parameters typed as `values` are (see ``parameterTypes(_:)``).
  func prepare(name: String, sql: String, typedAs values: [SQLValue]) throws(DatabaseError) {
    let types = Self.parameterTypes(values)
    roundTrips += 1
    let result = PostgresResult(
      PQprepare(handle, name, sql, Int32(types.count), types), connection: self)
    try result.check(sql: sql)
    preparedNames.insert(name)
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
    if !sql.hasPrefix("SELECT") && !sql.hasPrefix("FETCH") { readsAhead.removeAll() }
    let query = preparingIfNeeded(Deferred(name: name, sql: sql, values: values))
    if !deferred.isEmpty || query.prepares { return try pipeline(deferred + [query]) }
    roundTrips += 1
    statementsSent += 1
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
  func pipeline(_ queries: [Deferred]) throws(DatabaseError) -> PostgresResult {
    guard let last = try pipelineResults(queries).last else {
      throw DatabaseError(
        resultCode: 10, message: "PostgreSQL: a pipeline returned no result", sqlState: "08006")
    }
    return last
  }

  /// ``pipeline(_:)``, every query's result in order. A pipeline that begins a transaction
  /// (``beginLater(lockSQL:retries:)``) is sent again while its lock times out.
  private func pipelineResults(_ queries: [Deferred]) throws(DatabaseError) -> [PostgresResult] {
    deferred.removeAll()
    preparesQueued.removeAll()
    let begins = beginPending
    beginPending = false
    var attempt = 0
    while true {
      do {
        return try sendPipeline(queries)
      } catch let failure {
        guard begins, failure.lockTimedOut, attempt < lockRetries else { throw failure.error }
        attempt += 1
        rollBackAfterLockTimeout()
      }
    }
  }

  /// Ends a transaction that failed at its lock (nothing after it ran) and waits a random few
  /// milliseconds, so that writers waiting for the lock spread out before they try again.
  func rollBackAfterLockTimeout() {
    lockTimeoutsRetried += 1
    roundTrips += 1
    statementsSent += 1
    PQclear(PQexec(handle, "ROLLBACK"))
    var random = SystemRandomNumberGenerator()
    usleep(UInt32(1_000 + random.next() % 20_000))
  }

  /// libpq's last error message for this connection.
  var errorMessage: String { String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines() }
}

extension String {
  fileprivate func trimmingTrailingNewlines() -> String {
    var text = self
    while text.last == "\n" { text.removeLast() }
    return text
  }
}
