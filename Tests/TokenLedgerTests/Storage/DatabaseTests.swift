import Testing

@testable import TokenLedger

/// Proves the SQLite layer: bound values, savepoints that undo only their own work, typed
/// errors with SQLite's code, and the exact amount_sum aggregate.
@Suite struct DatabaseTests {
  func scratch() throws -> Database {
    let database = try Database(path: ":memory:", mode: .create)
    try database.executeScript("CREATE TABLE t (name TEXT, amount TEXT)")
    return database
  }

  @Test func valuesAreBoundNeverSpliced() throws {
    let database = try scratch()
    let hostile = "x'); DROP TABLE t; --"
    try database.execute("INSERT INTO t VALUES ($1, $2)", [.text(hostile), "1"])
    #expect(try database.firstRow("SELECT name FROM t") { $0.text(0) } == hostile)
  }

  /// Texts are bound and read by their byte count: a NUL inside one does not cut it short
  /// (it once did, so that a stored id differed from the one hashed).
  @Test func textsKeepEveryByteIncludingNUL() throws {
    let database = try scratch()
    for text in ["a\u{0}b", "\u{0}", "", "é\u{0}\u{0}z"] {
      try database.execute("DELETE FROM t")
      try database.execute("INSERT INTO t VALUES ($1, $2)", [.text(text), "1"])
      #expect(try database.firstRow("SELECT name FROM t") { $0.text(0) } == text)
      #expect(
        try database.firstRow("SELECT hex(name) FROM t") { $0.text(0) }
          == text.utf8.map { String($0, radix: 16, uppercase: true) }.map {
            $0.count == 1 ? "0" + $0 : $0
          }.joined())
    }
  }

  @Test func aFailedSavepointUndoesOnlyItsOwnWork() throws {
    let database = try scratch()
    struct Failure: Error {}
    try database.writeTransaction {
      try database.execute("INSERT INTO t VALUES ('kept', '1')")
      #expect(throws: Failure.self) {
        try database.savepoint {
          try database.execute("INSERT INTO t VALUES ('undone', '2')")
          throw Failure()
        }
      }
    }
    #expect(try database.firstRow("SELECT group_concat(name) FROM t") { $0.text(0) } == "kept")
  }

  @Test func aFailedTransactionLeavesNothing() throws {
    let database = try scratch()
    struct Failure: Error {}
    #expect(throws: Failure.self) {
      try database.writeTransaction {
        try database.execute("INSERT INTO t VALUES ('gone', '1')")
        throw Failure()
      }
    }
    #expect(try database.firstRow("SELECT count(*) FROM t") { $0.integer(0) } == 0)
    #expect(!database.isInTransaction)
  }

  @Test func errorsCarrySQLitesCodeAndStatement() throws {
    let database = try scratch()
    let error = #expect(throws: DatabaseError.self) {
      try database.execute("SELECT * FROM missing")
    }
    #expect(error?.primaryCode == 1)
    #expect(error?.message.contains("missing") == true)
    #expect(throws: DatabaseError.self) {
      try Database(path: "/nonexistent-dir/x.sqlite", mode: .existing)
    }
  }

  @Test func amountSumIsExactBeyondSixtyFourBits() throws {
    let database = try scratch()
    for amount in [
      "340282366920938463463374607431768211455", "-340282366920938463463374607431768211455", "5",
      "-7",
    ] {
      try database.execute("INSERT INTO t VALUES ('a', $1)", [.text(amount)])
    }
    #expect(try database.firstRow("SELECT amount_sum(amount) FROM t") { $0.text(0) } == "-2")
    #expect(try database.firstRow("SELECT amount_sum(amount) FROM t WHERE 0") { $0.text(0) } == "0")
    try database.execute("INSERT INTO t VALUES ('a', '1.5')")
    #expect(throws: DatabaseError.self) {
      try database.firstRow("SELECT amount_sum(amount) FROM t") { $0.text(0) }
    }
    #expect(
      try database.firstRow("SELECT amount_valid('12'), amount_valid('012'), amount_valid('-3')") {
        [$0.integer(0), $0.integer(1), $0.integer(2)]
      } == [1, 0, 1])
  }

  /// Sums pass 2^128 − 1 exactly (system counters do) and fail past 2^256 − 1.
  @Test func amountSumReportsOverflow() throws {
    let database = try scratch()
    try database.execute("INSERT INTO t VALUES ('a', '340282366920938463463374607431768211455')")
    try database.execute("INSERT INTO t VALUES ('a', '1')")
    #expect(
      try database.firstRow("SELECT amount_sum(amount) FROM t") { $0.text(0) }
        == "340282366920938463463374607431768211456")
    try database.execute(
      "INSERT INTO t VALUES ('a', '115792089237316195423570985008687907853269984665640564039457584007913129639935')"
    )
    #expect(throws: DatabaseError.self) {
      try database.firstRow("SELECT amount_sum(amount) FROM t") { $0.text(0) }
    }
  }
}
