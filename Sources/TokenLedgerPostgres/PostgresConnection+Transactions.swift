import CPostgres
import TokenLedger

/// A ``PostgresConnection``'s transactions: statements held back to travel with the next one,
/// `BEGIN` and the write lock held back (or taken late, with the COMMIT), and a COMMIT whose
/// outcome may be unknown.
extension PostgresConnection {
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
  func commitOutcomeUnknown(_ error: DatabaseError) -> DatabaseError {
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

  /// `sql` prepared under a name of its own, once; outside a transaction only.
  func fixed(_ sql: String) throws(DatabaseError) -> Deferred {
    if let name = fixedNames[sql] { return Deferred(name: name, sql: sql, values: []) }
    let name = "tlx\(fixedNames.count + 1)"
    try prepare(name: name, sql: sql, typedAs: [])
    fixedNames[sql] = name
    return Deferred(name: name, sql: sql, values: [])
  }

  /// A transaction that commits synchronously (the session's `synchronous_commit` is on) and
  /// waits for the disk: PostgreSQL waits only for a transaction that wrote to the WAL and took
  /// a transaction id, and a transactional logical-decoding message does both without touching
  /// a table (so the writers' flushes share no row lock). Any user may emit one, at any
  /// `wal_level`; a logical-decoding consumer sees it under the prefix `tokenledger.flush`.
  static let flushStatement = "SELECT pg_logical_emit_message(true, 'tokenledger.flush', '')"
}
