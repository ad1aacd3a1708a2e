import Dispatch
import Foundation
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// How the PostgreSQL connection spends round trips: a durable transfer takes two (BEGIN and
/// the operation's reads in one; the head lock, its entry, COMMIT and the flush in the other),
/// a read sent ahead answers only until a write, a lock that times out is waited for again,
/// and a durable commit is on disk when it returns. Against a real server (``PostgresServer``).
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresConnectionTests {
  static func transfer(_ id: String, from: String = "alice", to: String = "bob") -> String {
    #"{"op":"transfer","id":"\#(id)","asset":"TOK","from":"\#(from)","to":"\#(to)","amount":"1"}"#
  }

  static let setup = [
    anyAsset,
    #"{"op":"mint","id":"m1","asset":"TOK","to":"alice","amount":"1000"}"#,
    #"{"op":"mint","id":"m2","asset":"TOK","to":"bob","amount":"1000"}"#,
  ]

  @Test func aDurableTransferTakesTwoRoundTrips() throws {
    let ledger = try Ledger.open(at: try PostgresServer.ledger("trips"), create: true)
    try ledger.apply(jsonLines: Self.setup)
    // The first prepares the statements and learns the accounts' ids.
    _ = try ledger.apply(jsonLines: [Self.transfer("t0")])
    for (index, line) in [
      Self.transfer("t1"), Self.transfer("t2", from: "bob", to: "alice"),
      Self.transfer("t1"),  // seen: unchanged, still two
    ].enumerated() {
      let before = try ledger.withConnection { ($0.postgresRoundTrips, $0.postgresStatements) }
      _ = try ledger.apply(jsonLines: [line])
      let after = try ledger.withConnection { ($0.postgresRoundTrips, $0.postgresStatements) }
      #expect(after.0 - before.0 == 2, "operation \(index) took \(after.0 - before.0) round trips")
      // BEGIN, the id, the asset's clock, two balances; the lock (which also makes the
      // commit asynchronous), the entry, COMMIT and the flush. The head is not read: the
      // server numbers the entry.
      if index < 2 {
        #expect(after.1 - before.1 == 9, "operation \(index) sent \(after.1 - before.1) statements")
      }
    }
    // A mint also sums the system accounts for the supply cap: one more, its cursor declared
    // with its first fetch and closed with the next statement.
    let mintBefore = try ledger.withConnection { $0.postgresRoundTrips }
    _ = try ledger.apply(jsonLines: [
      #"{"op":"mint","id":"m3","asset":"TOK","to":"alice","amount":"5"}"#
    ])
    let mintAfter = try ledger.withConnection { $0.postgresRoundTrips }
    #expect(mintAfter - mintBefore == 3, "a mint took \(mintAfter - mintBefore) round trips")
    // Holders a new connection has not seen: each one's id and balance are read together,
    // ahead (a statement's first run prepares it in the same round trip); a holder that does
    // not exist yet is created: two more, since a transfer begins without the write lock and
    // a new account needs it (the lock and the reads again, then the INSERT for the id).
    let other = try Ledger.open(at: ledger.path)
    _ = try other.apply(jsonLines: [Self.transfer("warm")])
    var before = try other.withConnection { $0.postgresRoundTrips }
    _ = try other.apply(jsonLines: [Self.transfer("t4", from: "bob", to: "erin")])
    var after = try other.withConnection { $0.postgresRoundTrips }
    #expect(after - before == 4, "a transfer to a new holder took \(after - before) round trips")
    let third = try Ledger.open(at: ledger.path)
    _ = try third.apply(jsonLines: [Self.transfer("warm2")])
    before = try third.withConnection { $0.postgresRoundTrips }
    _ = try third.apply(jsonLines: [Self.transfer("t5", from: "erin", to: "alice")])
    after = try third.withConnection { $0.postgresRoundTrips }
    #expect(after - before == 2, "erin, unseen by this connection, took \(after - before)")
    // Setup 3, t0–t2, m3, warm, t4, warm2, t5.
    #expect(try ledger.summary().entries == 11)
    #expect(try ledger.audit().ok)
  }

  @Test func aStreamOpensNoTransactionOnceItsInputHasEnded() throws {
    let ledger = try Ledger.open(at: try PostgresServer.ledger("stream"), create: true)
    try ledger.apply(jsonLines: Self.setup)
    _ = try ledger.apply(jsonLines: [Self.transfer("s0")])
    let file =
      FileManager.default.temporaryDirectory.path
      + "/stream-\(UInt64.random(in: 0...UInt64.max)).jsonl"
    defer { unlink(file) }
    try (Self.transfer("s1") + "\n" + Self.transfer("s2") + "\n\n").write(
      toFile: file, atomically: true, encoding: .utf8)
    let before = try ledger.withConnection { $0.postgresRoundTrips }
    let summary = try ledger.applyStream(try LineReader(path: file), commitEvery: 1)
    let after = try ledger.withConnection { $0.postgresRoundTrips }
    #expect(summary.applied == 2 && summary.commits.count == 2)
    #expect(summary.commits.map(\.throughLine) == [1, 2])
    // Two durable transfers, two round trips each: no third transaction for the end of input.
    #expect(after - before == 4, "the stream took \(after - before) round trips")
  }

  @Test func aReadSentAheadAnswersOnlyUntilAWrite() throws {
    let url = try PostgresServer.ledger("ahead")
    _ = try Ledger.open(at: url, create: true)
    let database = try Database(path: url, mode: .existing)
    try database.executeScript("CREATE TABLE probe (k bigint PRIMARY KEY, v text NOT NULL)")
    try database.execute("INSERT INTO probe VALUES (1, 'a')")
    let select = try database.prepare("SELECT v FROM probe WHERE k = $1")
    let update = try database.prepare("UPDATE probe SET v = $1 WHERE k = $2")
    func read() throws -> String? { try select.firstRow([1]) { $0.text(0) } ?? nil }
    #expect(try read() == "a")  // prepared on the server: it can be sent ahead

    try database.executeScript("BEGIN")
    // A hit costs no round trip.
    try database.readAhead([(select, [1])])
    var trips = database.postgresRoundTrips
    #expect(try read() == "a")
    #expect(database.postgresRoundTrips == trips)
    // Another key, or the same statement again, is read from the server.
    try database.readAhead([(select, [2])])
    trips = database.postgresRoundTrips
    #expect(try read() == "a")
    #expect(database.postgresRoundTrips == trips + 1)
    // A write held back drops what was read ahead: the read sees the write.
    try database.readAhead([(select, [1])])
    try update.executeDeferred(["b", 1])
    #expect(try read() == "b")
    // So does a write sent at once.
    try database.readAhead([(select, [1])])
    try database.execute("UPDATE probe SET v = 'c' WHERE k = 1")
    #expect(try read() == "c")
    // And the end of the transaction: another connection writes before the next one.
    try database.readAhead([(select, [1])])
    try database.executeScript("COMMIT")
    let other = try Database(path: url, mode: .existing)
    try other.execute("UPDATE probe SET v = 'd' WHERE k = 1")
    try database.executeScript("BEGIN")
    #expect(try read() == "d")
    try database.executeScript("ROLLBACK")
    // Nothing is sent ahead on SQLite, and the reads are answered as ever.
    let sqlite = try Database(path: ":memory:", mode: .create)
    try sqlite.executeScript(
      "CREATE TABLE probe (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO probe VALUES (1, 'a')")
    let local = try sqlite.prepare("SELECT v FROM probe WHERE k = $1")
    try sqlite.readAhead([(local, [1])])
    #expect(try local.firstRow([1]) { $0.text(0) } == "a")
  }

  /// Holds the head lock of the ledger at `url` for `microseconds` on a thread of its own;
  /// returns once it holds it, and the thread's error, if any, once it has let go.
  static func holdHeadLock(_ url: String, for microseconds: UInt32) -> @Sendable () -> String? {
    let holding = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let failure = Locked<String?>(nil)
    Thread {
      do {
        let ledger = try Ledger.open(at: url)
        try ledger.withConnection { database in
          try database.writeTransaction {
            // The lock travels with the first statement.
            _ = try database.firstRow("SELECT 1") { $0.integer(0) }
            holding.signal()
            usleep(microseconds)
          }
        }
      } catch {
        failure.withLock { $0 = "\(error)" }
        holding.signal()
      }
      done.signal()
    }.start()
    holding.wait()
    return {
      done.wait()
      return failure.withLock { $0 }
    }
  }

  @Test func aWriterWaitsPastTheLockTimeoutForTheHeadLock() throws {
    let url = try PostgresServer.ledger("waits")
    try Ledger.open(at: url, create: true).apply(jsonLines: Self.setup)
    let held = Self.holdHeadLock(url, for: 700_000)
    let ledger = try Ledger.open(at: url)
    // Timeouts of 100 ms: the write fails at the lock several times while it is held, and is
    // sent again each time, until it gets it.
    try ledger.withConnection { try $0.executeScript("SET lock_timeout = 100") }
    let started = Date()
    _ = try ledger.apply(jsonLines: [Self.transfer("after")])
    #expect(Date().timeIntervalSince(started) > 0.3)
    #expect(held() == nil)
    let retried = try ledger.withConnection { database -> Int in
      guard let connection = database.postgresConnection else { return 0 }
      return connection.lockTimeoutsRetried
    }
    #expect(retried >= 1)
    #expect(try ledger.summary().entries == 4)

    // Out of retries, the busy error reaches the caller and the transaction is gone.
    let heldAgain = Self.holdHeadLock(url, for: 500_000)
    defer { #expect(heldAgain() == nil) }
    let database = try Database(path: url, mode: .existing)
    try database.executeScript("SET lock_timeout = 50")
    guard let connection = database.postgresConnection else { return }
    try connection.beginLater(
      lockSQL: Database.postgresHeadLock, flushOutsideLock: false, retries: 0)
    do {
      try database.execute("SELECT 1")
      Issue.record("the lock was taken while another transaction held it")
    } catch {
      #expect(error.primaryCode == 5, "\(error)")
      #expect(error.sqlState == "55P03")
    }
    #expect(connection.lockTimeoutsRetried == 0)
    try database.executeScript("ROLLBACK")
    #expect(try database.firstRow("SELECT 1") { $0.integer(0) } == 1)
  }

  @Test func aDurableCommitIsOnDiskWhenItReturns() throws {
    let ledger = try Ledger.open(at: try PostgresServer.ledger("flush"), create: true)
    try ledger.apply(jsonLines: Self.setup)
    for index in 0..<20 {
      _ = try ledger.apply(jsonLines: [Self.transfer("d\(index)")])
      let flushed = try ledger.withConnection { database -> Bool? in
        guard let connection = database.postgresConnection,
          let location = connection.lastFlushLocation
        else { return nil }
        return try database.firstRow(
          "SELECT pg_current_wal_flush_lsn() >= CAST(CAST($1 AS TEXT) AS pg_lsn)",
          [.text(location)]
        ) { $0.integer(0) == 1 }
      }
      #expect(flushed == true, "commit \(index) returned before its WAL was on disk")
    }
    // An answer that writes nothing (unchanged, or a failure) waits as well: it may rest on
    // another writer's commit that is not on disk yet.
    for line in [
      Self.transfer("d0"),
      Self.transfer("over", from: "alice", to: "bob").replacing(
        #""amount":"1""#, with: #""amount":"99999""#),
    ] {
      let before = try ledger.withConnection { database -> String? in
        guard let connection = database.postgresConnection else { return nil }
        return connection.lastFlushLocation
      }
      _ = try? ledger.apply(jsonLines: [line])
      let after = try ledger.withConnection { database -> String? in
        guard let connection = database.postgresConnection else { return nil }
        return connection.lastFlushLocation
      }
      #expect(after != nil && after != before, "\(line) answered without a flush")
    }
    // The write transaction itself commits asynchronously (its lock statement says so), so
    // that the lock is released before the disk is waited for; the session stays synchronous.
    let settings = try ledger.withConnection { database -> [String?] in
      let read = { () throws -> String? in
        try database.firstRow("SELECT current_setting('synchronous_commit')") { $0.text(0) }
          ?? nil
      }
      let inside = try database.writeTransaction { () throws -> String? in
        try database.execute("UPDATE ledger_head SET id = 1")
        return try read()
      }
      return [inside, try read()]
    }
    #expect(settings == ["off", "on"])
    // An asynchronous ledger (Durability.normal) does not wait.
    let fast = try Ledger.open(at: ledger.path, durability: .normal)
    _ = try fast.apply(jsonLines: [Self.transfer("n")])
    let location = try fast.withConnection { database -> String? in
      guard let connection = database.postgresConnection else { return nil }
      return connection.lastFlushLocation
    }
    #expect(location == nil)
  }
}

/// The layout's fingerprint the audit compares with: the library's own, by PostgreSQL version.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresLayoutTests {
  @Test func aNewLedgerHasTheFingerprintTheLibraryKnows() throws {
    let ledger = try Ledger.open(at: try PostgresServer.ledger("layout"), create: true)
    let (actual, stored, major) = try ledger.withConnection { database in
      (
        try PostgresLayout.fingerprint(database, schema: PostgresSchema.schema(database)),
        try database.firstRow("SELECT layout FROM ledger_meta") { $0.text(0) } ?? nil,
        try PostgresLayout.majorVersion(database)
      )
    }
    #expect(actual != nil)
    #expect(actual == stored)
    // On a major version the library knows no fingerprint for (a server of your own, through
    // $TOKENLEDGER_TEST_POSTGRES), the audit compares with the stored one only.
    guard let expected = PostgresLayout.expected[major] else { return }
    #expect(
      actual == expected,
      "schema/postgresql/ changed: PostgresLayout.expected[\(major)] = \(actual ?? "?")")
  }

  @Test func aLayoutChangeHiddenByRewritingTheStoredFingerprintIsReported() throws {
    let url = try PostgresServer.ledger("hidden")
    let ledger = try Ledger.open(at: url, create: true)
    let major = try ledger.withConnection { try PostgresLayout.majorVersion($0) }
    guard PostgresLayout.expected[major] != nil else { return }
    try ledger.apply(jsonLines: [anyAsset])
    #expect(try ledger.audit().ok)
    // Someone with DDL rights drops a check, and covers it: the stored fingerprint rewritten
    // with the ledger's own (replaceable) function.
    try ledger.withConnection { database in
      try database.executeScript(
        """
        ALTER TABLE postings DROP CONSTRAINT postings_amount_check;
        UPDATE ledger_meta SET layout = ledger_layout(current_schema());
        """)
    }
    let audit = try Ledger.open(at: url).audit()
    let structural = audit.checks.first { $0.name == "sqliteIntegrity" }
    #expect(structural?.ok == false)
    #expect(
      structural?.violations.contains { $0.message.contains("are not those this library creates") }
        == true, "\(structural?.violations.map(\.message) ?? [])")
  }
}

/// A connection lost, or a commit failing at the pipeline's sync point: errors, not crashes or
/// silent successes.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresConnectionLossTests {
  @Test func aLostConnectionIsAnErrorAndStaysOne() throws {
    let url = try PostgresServer.ledger("lost")
    let ledger = try Ledger.open(at: url, create: true)
    try ledger.apply(jsonLines: PostgresConnectionTests.setup)
    let pid = try ledger.withConnection {
      try $0.firstRow("SELECT pg_backend_pid()") { $0.integer(0) } ?? nil
    }
    let other = try Database(path: url, mode: .existing)
    try other.execute("SELECT pg_terminate_backend(CAST($1 AS INTEGER))", [.integer(pid ?? 0)])
    usleep(100_000)
    #expect(throws: DatabaseError.self) {
      try ledger.apply(jsonLines: [PostgresConnectionTests.transfer("gone")])
    }
    // The next transaction, on the same dead connection, fails the same way.
    #expect(throws: DatabaseError.self) { try ledger.summary() }
    #expect(throws: DatabaseError.self) {
      try ledger.apply(jsonLines: [PostgresConnectionTests.transfer("gone2")])
    }
    #expect(try Ledger.open(at: url).summary().entries == 3)
  }

  /// The flush after a durable COMMIT fails while the connection stays (here: a role that may
  /// not run it; elsewhere a cancel or a statement timeout): the operation is committed, and
  /// the error says so instead of reporting a failure that a retry without an id would double.
  @Test(
    .enabled(
      if: PostgresServer.isThrowaway,
      "revokes a function's privilege for a moment: only on the tests' own server"))
  func aFlushFailingAfterItsCommitIsNotReportedAsAFailure() throws {
    let url = try PostgresServer.ledger("noflush")
    let owner = try Ledger.open(at: url, create: true)
    try owner.apply(jsonLines: PostgresConnectionTests.setup)
    let admin = try Database(path: url, mode: .existing)
    let role = "tl_noflush_\(UInt32.random(in: 0...UInt32.max))"
    let schema = PostgresLocation(url)!.schema
    try admin.executeScript(
      """
      CREATE ROLE \(role) LOGIN;
      GRANT USAGE ON SCHEMA "\(schema)" TO \(role);
      GRANT ALL ON ALL TABLES IN SCHEMA "\(schema)" TO \(role);
      GRANT ALL ON ALL SEQUENCES IN SCHEMA "\(schema)" TO \(role);
      REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) FROM PUBLIC
      """)
    defer {
      try? admin.executeScript(
        """
        GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) TO PUBLIC;
        DROP OWNED BY \(role); DROP ROLE \(role)
        """)
    }
    let ledger = try Ledger.open(at: Self.replacingUser(url, with: role))
    do {
      _ = try ledger.apply(jsonLines: [PostgresConnectionTests.transfer("committed")])
      Issue.record("a durable commit returned without its flush")
    } catch let error as DatabaseError {
      #expect(error.message.contains("PostgreSQL committed"), "\(error.message)")
      #expect(error.message.contains("permission denied"), "\(error.message)")
    }
    #expect(try owner.summary().entries == 4)
    #expect(try owner.audit().ok)
  }

  static func replacingUser(_ url: String, with user: String) -> String {
    guard let at = url.firstIndex(of: "@"), let slashes = url.range(of: "://") else { return url }
    return String(url[..<slashes.upperBound]) + user + String(url[at...])
  }

  @Test func aCommitFailingAtTheSyncPointFailsThePipeline() throws {
    let url = try PostgresServer.ledger("sync")
    _ = try Ledger.open(at: url, create: true)
    let database = try Database(path: url, mode: .existing)
    try database.executeScript(
      """
      CREATE TABLE probe (k bigint, CONSTRAINT probe_k UNIQUE (k) DEFERRABLE INITIALLY DEFERRED);
      INSERT INTO probe VALUES (1)
      """)
    guard let connection = database.postgresConnection else { return }
    // Outside a transaction block the statement runs in the pipeline's implicit transaction,
    // whose deferred check fails only as it commits, at the sync point.
    #expect(throws: DatabaseError.self) {
      try connection.readAhead([("tlprobe", "INSERT INTO probe VALUES (1)", [])])
    }
    #expect(try database.firstRow("SELECT count(*) FROM probe") { $0.integer(0) } == 1)
  }
}
