#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Database {
  /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, taking the write lock up front so that two
  /// writers queue on the busy timeout instead of failing halfway. Rolls back on any error.
  ///
  /// `lockLate` (PostgreSQL; ignored elsewhere): the write lock is taken by the transaction's
  /// last statement, which also commits (``PreparedStatement/firstRowCommitting(_:_:)``), so
  /// that the lock is held only while the server runs it. Until then only reads marked
  /// ``Statement/runsBeforeWriteLock`` run; any other statement throws
  /// ``DatabaseError/needsWriteLock(_:_:)``, and the caller runs the transaction again without
  /// `lockLate`.
  package func writeTransaction<T>(lockLate: Bool = false, _ body: () throws -> T) throws -> T {
    precondition(!isInTransaction, "write transactions do not nest; use a savepoint")
    let late = lockLate && engine == .postgres && locksHead
    try beginImmediate(lockLate: late)
    writeLockDeferred = late
    committedByStatement = false
    defer {
      writeLockDeferred = false
      committedByStatement = false
    }
    do {
      let result: T
      do {
        result = try body()
      } catch let error as DatabaseError
        where error.retriesWithWriteLock && writeLockDeferred && isInGoodTransaction
      {
        // Nothing was written and nothing is held: take the lock now and run `body` again in
        // this transaction; what it read before is read again.
        takeDeferredWriteLock()
        do {
          result = try body()
        } catch let error as DatabaseError where error.sqlState == "55P03" {
          // Only a transaction that begins with the lock waits for it again (up to
          // Limits.busyRetriesMax times): the caller runs this one again that way.
          throw DatabaseError.needsWriteLock(error.sql, "the write lock timed out")
        }
      }
      if !committedByStatement { try executeScript("COMMIT") }
      return result
    } catch {
      if isInTransaction { try? executeScript("ROLLBACK") }
      throw error
    }
  }

  /// Ends ``writeTransaction(lockLate:_:)``'s wait for the write lock: it is taken with the
  /// next statement.
  private func takeDeferredWriteLock() {
    guard case .postgres(let postgres) = connection else {
      preconditionFailure("only PostgreSQL defers the write lock")
    }
    writeLockDeferred = false
    lockLateRetries += 1
    postgres.takeLateLock()
  }

  /// Runs `body` inside a deferred read transaction: every query in it sees one snapshot, even
  /// while another connection commits (WAL).
  package func readTransaction<T>(_ body: () throws -> T) throws -> T {
    precondition(!isInTransaction, "read transactions do not nest")
    // PostgreSQL's REPEATABLE READ is one snapshot for the transaction, as SQLite's WAL read.
    try executeScript(
      engine == .postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN DEFERRED")
    defer {
      // A read transaction has nothing to lose; if COMMIT fails, ROLLBACK still ends it.
      if (try? executeScript("COMMIT")) == nil { try? executeScript("ROLLBACK") }
    }
    return try body()
  }

  /// Runs `body` inside a savepoint: on error only its own changes are undone, and the
  /// enclosing transaction goes on.
  package func savepoint<T>(_ body: () throws -> T) throws -> T {
    // A savepoint would outlive the commit of a transaction whose last statement commits.
    if writeLockDeferred { throw DatabaseError.needsWriteLock("SAVEPOINT op") }
    try executeScript("SAVEPOINT op")
    do {
      let result = try body()
      try executeScript("RELEASE op")
      return result
    } catch {
      try? executeScript("ROLLBACK TO op")
      try? executeScript("RELEASE op")
      throw error
    }
  }

  /// Makes this connection refuse every write from now on (SQLite's `query_only`,
  /// PostgreSQL's read-only transactions).
  package func makeQueryOnly() throws(DatabaseError) {
    try executeScript(
      engine == .postgres
        ? "SET default_transaction_read_only = on" : "PRAGMA query_only = ON")
  }

  /// PostgreSQL's `BEGIN IMMEDIATE`: a transaction that first takes the ledger's write lock
  /// (``postgresHeadLock``), so that writers on any number of connections take turns as
  /// SQLite's do and the journal stays one chain. The lock waits at most the lock timeout.
  ///
  /// Both are held back and travel with the transaction's first statement (no round trip of
  /// their own: a durable single commit is mostly round trips); the connection sends them
  /// again while the lock times out, up to ``Limits/busyRetriesMax`` times.
  private func beginPostgresWrite(lockLate: Bool) throws(DatabaseError) {
    guard locksHead, case .postgres(let postgres) = connection else {
      return try executeScript("BEGIN")
    }
    if faultInjector != nil, let fault = injectedFault(.begin) { throw fault }
    try postgres.beginLater(
      lockSQL: Self.postgresHeadLock, lockLate: lockLate,
      flushOutsideLock: postgresDurableCommits, retries: Limits.busyRetriesMax)
  }

  /// The head lock: a transaction-level advisory lock keyed by the ledger's `ledger_head`
  /// table (its OID, unique among the database's live ledgers; the two-key form, which no
  /// one-key lock such as the migration's can share). Unlike a row lock it writes nothing to
  /// the WAL, and it holds whatever the table's rows are.
  static let postgresHeadLock = """
    SELECT pg_advisory_xact_lock(1414284620, \
    CAST(CAST(CAST(CAST('ledger_head' AS regclass) AS oid) AS bigint) % 2147483647 AS integer))
    """

  /// `BEGIN IMMEDIATE`, retried when the lock stays busy past the busy timeout: SQLite's busy
  /// handler is not fair, so under heavy contention one writer can lose every round for longer
  /// than the timeout. Retries sleep a random few milliseconds so that waiting writers spread
  /// out; after ``Limits/busyRetriesMax`` the busy error reaches the caller.
  private func beginImmediate(lockLate: Bool) throws(DatabaseError) {
    var attempt = 0
    while true {
      do {
        if engine == .postgres {
          try beginPostgresWrite(lockLate: lockLate)
        } else {
          try executeScript("BEGIN IMMEDIATE")
        }
        return
      } catch  where error.primaryCode == 5 && attempt < Limits.busyRetriesMax {
        attempt += 1
        var random = SystemRandomNumberGenerator()
        usleep(UInt32(1_000 + random.next() % 20_000))
      }
    }
  }
}
