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
  private var beginPending = false

  /// Round trips to the server so far: a statement, a pipeline, a PREPARE (tests count them).
  /// (Counted by the pipeline, in `PostgresConnection+Pipeline.swift`.)
  var roundTrips = 0
  /// Statements sent so far, each of a pipeline and a script as one: the server's work for a
  /// commit, beside its round trips (tests count them).
  var statementsSent = 0
  /// Pipelines sent again because their transaction's lock timed out.
  private(set) var lockTimeoutsRetried = 0
  /// The WAL location of the last durable commit's flush (``flushStatement``).
  private(set) var lastFlushLocation: String?

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
  private var preparesQueued: Set<String> = []

  /// `query`, marked to be prepared first when its name is neither prepared nor queued to be.
  private func preparingIfNeeded(_ query: Deferred) -> Deferred {
    guard let name = query.name, !preparedNames.contains(name), !preparesQueued.contains(name)
    else { return query }
    preparesQueued.insert(name)
    var first = query
    first.prepares = true
    return first
  }

  /// A read sent ahead: a prepared statement's name and values.
  private struct ReadKey: Hashable {
    let name: String
    let values: [SQLValue]
  }

  /// Results of reads sent ahead (``readAhead(_:)``) and not yet taken. Emptied by any write,
  /// sent or held back, and by any transaction boundary: a result is handed out only while it
  /// is what the same statement would read now.
  private var readsAhead: [ReadKey: PostgresResult] = [:]

  /// Statements sent later, in one pipeline with the next one (``executeLater(name:sql:values:writes:)``).
  private var deferred: [Deferred] = []
  /// Held-back writes past which they are sent at once (their results must fit the socket's
  /// buffer while the pipeline is being sent).
  private static let deferredMax = 256

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

  /// Queues a write whose result is not read (no rows, no changed-row count): it is sent with
  /// the next statement, in one round trip, and an error it raises is thrown by that statement
  /// (or by the COMMIT). A durable single-operation commit is mostly round trips.
  ///
  /// `writes`: false for a statement that changes no row (a cursor's DECLARE or CLOSE), which
  /// does not drop what was read ahead.
  func executeLater(name: String?, sql: String, values: [SQLValue], writes: Bool = true)
    throws(DatabaseError)
  {
    if writes { readsAhead.removeAll() }
    deferred.append(preparingIfNeeded(Deferred(name: name, sql: sql, values: values)))
    if deferred.count >= Self.deferredMax { _ = try pipeline(deferred) }
  }

  /// Begins a transaction whose first statement is `lockSQL` (a row lock), both held back to
  /// travel with the transaction's first statement: a write transaction's lock, its reads and,
  /// for a single operation, its writes and COMMIT take two round trips. When the lock times
  /// out, nothing after it ran: the pipeline is rolled back and sent again after a random few
  /// milliseconds, up to `retries` times, and then the busy error is thrown by the statement
  /// it travelled with.
  ///
  /// `flushOutsideLock` (durable commits): the transaction commits without waiting for its
  /// WAL to reach the disk, which releases the lock at once, and the same round trip then runs
  /// a one-statement transaction that does wait (``flushStatement``). The WAL is written in
  /// order, so when that later commit is on disk this one is too, and the COMMIT returns only
  /// then: a commit that returned survives a crash, as with a synchronous commit, while the
  /// writers queued on the lock no longer wait for each other's disk flushes, which
  /// PostgreSQL groups. Another connection may read the transaction's rows a moment before
  /// they are on disk; after a crash in that moment they are gone, with every later
  /// transaction (none of which returned either).
  ///
  /// `lockLate`: the lock is not taken now but by the transaction's last statement
  /// (``executeCommitting(name:sql:values:)``), which travels with the lock and the COMMIT.
  ///
  /// `lockSQL` is a `SELECT` whose select list the connection may extend: with
  /// `flushOutsideLock`, the lock statement also turns the transaction's synchronous commit
  /// off (`SET LOCAL` as a function, one statement fewer a transaction). A transaction writes
  /// only after its lock, so every one that writes commits asynchronously and is flushed; one
  /// that never takes the lock writes nothing, and its COMMIT has nothing to wait for.
  func beginLater(lockSQL: String, lockLate: Bool = false, flushOutsideLock: Bool, retries: Int)
    throws(DatabaseError)
  {
    precondition(!isInTransaction && deferred.isEmpty, "a transaction is already open")
    precondition(lockSQL.hasPrefix("SELECT "), "the lock is a SELECT")
    // Prepared once: parsing and planning them each time cost the server more than the rest
    // of a transfer's statements.
    // READ COMMITTED whatever the server's default: each statement sees every transaction
    // committed before it, and a lock-late transaction's last statement checks against those.
    let begin = try fixed(Self.beginWrite)
    var lock = try fixed(
      flushOutsideLock ? lockSQL + ", set_config('synchronous_commit', 'off', true)" : lockSQL)
    lock.isLock = true
    lateLock = lockLate ? lock : nil
    if flushOutsideLock {
      let flush = try fixed(Self.flushStatement)
      commitStatements = [try fixed("COMMIT"), flush]
      endStatements = [try fixed("ROLLBACK"), flush]
    }
    readsAhead.removeAll()
    transactionGeneration += 1
    lockRetries = retries
    beginPending = true
    flushesAtCommit = flushOutsideLock
    deferred.append(begin)
    if !lockLate { deferred.append(lock) }
  }

  /// The lock a transaction begun with `lockLate` takes with its last statement.
  private var lateLock: Deferred?

  /// How a write transaction begins.
  static let beginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED"

  /// Takes the lock of a transaction begun with `lockLate` now, held back to travel with the
  /// next statement, instead of with its last. Nothing read before it is answered from reads
  /// sent ahead after it.
  func takeLateLock() {
    guard let lock = lateLock else {
      preconditionFailure("takeLateLock in a transaction begun with lockLate")
    }
    lateLock = nil
    readsAhead.removeAll()
    deferred.append(lock)
  }

  /// Runs the last statement of a transaction begun with `lockLate`
  /// (``beginLater(lockSQL:lockLate:flushOutsideLock:retries:)``) in one round trip with the
  /// write lock before it and the COMMIT (and flush) after it, and returns its result: the
  /// lock is held only while the server runs the statement and commits, with no round trip
  /// to this client inside it. The statement must itself check that what the transaction read
  /// without the lock is still so (and write nothing when it is not). An error, the lock's
  /// timeout included, leaves the transaction failed, for the caller to roll back.
  func executeCommitting(name: String?, sql: String, values: [SQLValue]) throws(DatabaseError)
    -> PostgresResult
  {
    guard let lock = lateLock, isInGoodTransaction else {
      preconditionFailure("executeCommitting ends a transaction begun with lockLate")
    }
    lateLock = nil
    readsAhead.removeAll()
    // A BEGIN still held back travels in this pipeline; once it is sent, it is no longer pending.
    beginPending = false
    let query = preparingIfNeeded(Deferred(name: name, sql: sql, values: values))
    let ending = flushesAtCommit ? commitStatements : [try fixed("COMMIT")]
    var pipeline = deferred + [lock, query] + ending
    var attempt = 0
    var results: [PostgresResult] = []
    while true {
      do {
        results = try sendPipeline(pipeline)
        break
      } catch let failure {
        deferred.removeAll()
        preparesQueued.removeAll()
        guard failure.lockTimedOut, attempt < lockRetries else {
          // Whatever failed, the COMMIT did not run, unless the connection went after it was sent.
          if PQtransactionStatus(handle) == PQTRANS_IDLE, PQstatus(handle) == CONNECTION_OK {
            transactionGeneration += 1
            flushesAtCommit = false
          }
          throw commitOutcomeUnknown(failure.error)
        }
        // Nothing after the lock ran. The statement checks again everything the transaction
        // read, so it can run in a transaction of its own: the lock, it, and the COMMIT.
        attempt += 1
        rollBackAfterLockTimeout()
        pipeline = [try fixed(Self.beginWrite), lock, query] + ending
      }
    }
    deferred.removeAll()
    preparesQueued.removeAll()
    transactionGeneration += 1
    if flushesAtCommit, let flushed = results.last {
      lastFlushLocation = flushed.rowCount == 1 ? flushed.text(0, 0) : nil
    }
    flushesAtCommit = false
    return results[results.count - ending.count - 1]
  }

  /// A failed COMMIT that must not be taken for a failure: its flush failed (the COMMIT before
  /// it ran: the transaction is committed, on disk or not yet), or the connection went after it
  /// was sent (the server may have committed before it went, and nobody can tell from here).
  private func commitOutcomeUnknown(_ error: DatabaseError) -> DatabaseError {
    if error.sql == Self.flushStatement {
      return DatabaseError(
        .commitOutcomeUnknown, resultCode: error.resultCode,
        message:
          "PostgreSQL committed, but the flush after the commit failed, so it is not confirmed"
          + " on disk: the operations are in the ledger unless the server crashes before it"
          + " writes them (apply the same operations again: their ids make that safe):"
          + " \(error.message)", sql: error.sql, sqlState: error.sqlState)
    }
    guard PQstatus(handle) != CONNECTION_OK else { return error }
    return DatabaseError(
      .commitOutcomeUnknown, resultCode: error.resultCode,
      message:
        "the connection to PostgreSQL was lost before the commit was confirmed, so it may or"
        + " may not have been applied (apply the same operations again: their ids make that"
        + " safe): \(error.message)", sql: error.sql, sqlState: error.sqlState ?? "08006")
  }

  /// Statements without parameters prepared for the connection's lifetime, by SQL.
  private var fixedNames: [String: String] = [:]
  /// The COMMIT and the flush that follows it (``beginLater(lockSQL:flushOutsideLock:retries:)``),
  /// and the ROLLBACK and the flush.
  private var commitStatements: [Deferred] = []
  private var endStatements: [Deferred] = []

  /// `sql` prepared under a name of its own, once; outside a transaction only.
  private func fixed(_ sql: String) throws(DatabaseError) -> Deferred {
    if let name = fixedNames[sql] { return Deferred(name: name, sql: sql, values: []) }
    let name = "tlx\(fixedNames.count + 1)"
    try prepare(name: name, sql: sql, typedAs: [])
    fixedNames[sql] = name
    return Deferred(name: name, sql: sql, values: [])
  }

  private var lockRetries = 0
  /// Whether this transaction's COMMIT or ROLLBACK is followed by ``flushStatement``.
  private var flushesAtCommit = false
  /// A transaction that commits synchronously (the session's `synchronous_commit` is on) and
  /// waits for the disk: PostgreSQL waits only for a transaction that wrote to the WAL and took
  /// a transaction id, and a transactional logical-decoding message does both without touching
  /// a table (so the writers' flushes share no row lock). Any user may emit one, at any
  /// `wal_level`; a logical-decoding consumer sees it under the prefix `tokenledger.flush`.
  static let flushStatement = "SELECT pg_logical_emit_message(true, 'tokenledger.flush', '')"

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
  private func pipeline(_ queries: [Deferred]) throws(DatabaseError) -> PostgresResult {
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
  private func rollBackAfterLockTimeout() {
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
