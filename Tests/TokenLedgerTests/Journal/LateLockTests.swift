import PropertyBased
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// A single transfer or burn on PostgreSQL runs without the write lock and takes it with its
/// COMMIT (`Journal+LateLock.swift`): the server numbers and chains the entry after checking
/// that what the operation read is unchanged. These tests change it in between (from another
/// connection, at the moment the entry is sent) and compare single operations with SQLite's.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct LateLockTests {
  static let setup = [
    anyAsset,
    #"{"op":"mint","id":"m1","asset":"TOK","to":"alice","amount":"100"}"#,
    #"{"op":"mint","id":"m2","asset":"TOK","to":"bob","amount":"100"}"#,
  ]

  static func transfer(_ id: String, from: String, to: String, amount: Int) -> String {
    #"{"op":"transfer","id":"\#(id)","asset":"TOK","from":"\#(from)","to":"\#(to)","amount":"\#(amount)"}"#
  }

  /// A ledger whose next entry, as it is sent, is preceded by `meanwhile` applied through
  /// another connection (once).
  static func racedLedger(_ name: String, meanwhile: String) throws -> (Ledger, Ledger) {
    let url = try PostgresServer.ledger(name)
    let ledger = try Ledger.open(at: url, create: true)
    try ledger.apply(jsonLines: setup)
    let other = try Ledger.open(at: url)
    nonisolated(unsafe) var armed = true
    // Runs on the test's thread, inside `ledger`'s lock; `other` has its own connection.
    ledger.setFaultInjector { site in
      guard armed, site == .commit else { return nil }
      armed = false
      _ = try? other.apply(jsonLines: [meanwhile])
      return nil
    }
    return (ledger, other)
  }

  /// A holder's available TOK in base units (6 decimals), `_` before the last six digits.
  static func available(_ ledger: Ledger, _ holder: String) throws -> String {
    guard let units = try ledger.balances(account: holder, asset: "TOK").first?.available else {
      return "none"
    }
    var digits = units.description
    if digits.count > 6 { digits.insert("_", at: digits.index(digits.endIndex, offsetBy: -6)) }
    return digits
  }

  static func lateRetries(_ ledger: Ledger) throws -> Int {
    try ledger.withConnection { $0.lockLateRetries }
  }

  /// The statement's own guard: should its UPDATE of the balances that its checks proved to
  /// exist find fewer rows (an invariant broken; the library cannot get there), the statement
  /// fails and its transaction writes nothing. Run on its own, with a key that has no row.
  @Test func theStatementFailsWhenABalanceRowToUpdateIsMissing() throws {
    let url = try PostgresServer.ledger("late_guard")
    let ledger = try Ledger.open(at: url, create: true)
    try ledger.apply(jsonLines: Self.setup)
    let before = try ledger.summary()
    let shape = LateLockShape(
      checksId: false, balancesRead: 0, assetsRead: 0, postings: 0, balancesUpdated: 1,
      balancesUpserted: 0)
    let values: [SQLValue] = [
      .null, .text("transfer"), .text("TOK"), .null, .null, .null,
      .blob(HashChain.format2Prefix), .blob([]),
      .integer(987_654), .text("TOK"), .text("1"),
    ]
    let database = try Database(path: url, mode: .existing)
    #expect {
      try database.execute(shape.sql, values)
    } throws: { error in
      (error as? DatabaseError)?.message.contains(LateLockShape.balanceRowsMissing + "0") == true
    }
    #expect(try ledger.summary() == before)
    #expect(try ledger.audit().ok)
  }

  @Test func aBalanceChangedBeforeTheLockIsReadAgain() throws {
    let (ledger, other) = try Self.racedLedger(
      "raced", meanwhile: Self.transfer("other", from: "alice", to: "carol", amount: 30))
    let results = try ledger.apply(jsonLines: [
      Self.transfer("mine", from: "alice", to: "bob", amount: 50)
    ])
    #expect(results == [.applied(sequence: 5)])
    #expect(try Self.lateRetries(ledger) == 1)
    #expect(try Self.available(other, "alice") == "20_000000")
    #expect(try Self.available(other, "bob") == "150_000000")
    #expect(try Self.available(other, "carol") == "30_000000")
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
  }

  @Test func anOverdraftRacedInIsRefusedAndLeavesNothing() throws {
    let (ledger, other) = try Self.racedLedger(
      "overdraft", meanwhile: Self.transfer("drain", from: "alice", to: "carol", amount: 80))
    #expect {
      try ledger.apply(jsonLines: [Self.transfer("late", from: "alice", to: "bob", amount: 50)])
    } throws: { ($0 as? LedgerError)?.code == .insufficientBalance }
    #expect(try Self.available(other, "alice") == "20_000000")
    #expect(try Self.available(other, "bob") == "100_000000")
    #expect(try other.summary().entries == 4)
    #expect(try ledger.audit().ok)
  }

  @Test func anIdUsedMeanwhileIsUnchangedOrRefused() throws {
    let same = Self.transfer("twice", from: "alice", to: "bob", amount: 5)
    let (ledger, _) = try Self.racedLedger("sameid", meanwhile: same)
    #expect(try ledger.apply(jsonLines: [same]) == [.unchanged(sequence: 4)])
    let (second, _) = try Self.racedLedger("otherid", meanwhile: same)
    #expect {
      try second.apply(jsonLines: [Self.transfer("twice", from: "bob", to: "alice", amount: 5)])
    } throws: { ($0 as? LedgerError)?.code == .duplicateId }
    #expect(try second.summary().entries == 4)
  }

  @Test func anOperationThatNeedsTheLockTakesItInTheSameTransaction() throws {
    let ledger = try Ledger.open(at: try PostgresServer.ledger("upgrade"), create: true)
    try ledger.apply(jsonLines: Self.setup)
    // To a holder with no account yet: the account is a write, so the lock is taken first.
    let results = try ledger.apply(jsonLines: [
      Self.transfer("new", from: "alice", to: "erin", amount: 7)
    ])
    #expect(results == [.applied(sequence: 4)])
    #expect(try Self.lateRetries(ledger) == 1)
    #expect(try Self.available(ledger, "erin") == "7_000000")
    // Known holders: no second try.
    try ledger.apply(jsonLines: [Self.transfer("back", from: "erin", to: "alice", amount: 2)])
    #expect(try Self.lateRetries(ledger) == 1)
    #expect(try ledger.audit().ok)
  }

  @Test func aRefusalIsDecidedAgainUnderTheLock() throws {
    let ledger = try Ledger.open(at: try PostgresServer.ledger("refusal"), create: true)
    try ledger.apply(jsonLines: Self.setup)
    // Its reads before the lock are separate statements; the refusal is made again under it.
    #expect {
      try ledger.apply(jsonLines: [Self.transfer("big", from: "alice", to: "bob", amount: 101)])
    } throws: { ($0 as? LedgerError)?.code == .insufficientBalance }
    #expect(try Self.lateRetries(ledger) == 1)
    #expect(try ledger.summary().entries == 3)
  }

  @Test func aLockTimeoutAfterTakingTheLockInPlaceWaitsAsLockFirst() throws {
    let url = try PostgresServer.ledger("upgradewait")
    let ledger = try Ledger.open(at: url, create: true)
    try ledger.apply(jsonLines: Self.setup)
    try ledger.withConnection { try $0.executeScript("SET lock_timeout = 100") }
    let held = PostgresConnectionTests.holdHeadLock(url, for: 700_000)
    let started = ContinuousClock.now
    // A new holder needs the lock in place; it times out there (100 ms), and the operation
    // runs again lock-first, which waits through timeouts until the lock is free.
    let results = try ledger.apply(jsonLines: [
      Self.transfer("wait", from: "alice", to: "erin", amount: 3)
    ])
    #expect(held() == nil)
    #expect(results == [.applied(sequence: 4)])
    #expect(ContinuousClock.now - started > .milliseconds(300))
    #expect(try Self.lateRetries(ledger) == 2)
    #expect(try ledger.audit().ok)
  }

  @Test(.shrinking(false)) func singleOperationsGiveTheSameAnswersAndJournalAsSQLite() async {
    await propertyCheck(count: 8, input: Gen.int(in: 0...1_000_000).array(of: 4...160)) {
      numbers in
      do {
        let lines = RandomOperations.lines(numbers)
        let sqlite = try makeLedger()
        let postgres = try Ledger.open(at: try PostgresServer.ledger("single"), create: true)
        var answers: [[String]] = [[], []]
        for (index, ledger) in [sqlite, postgres].enumerated() {
          try ledger.apply(jsonLines: RandomOperations.setup)
          for line in lines {
            do {
              let results = try ledger.apply(jsonLines: [line])
              answers[index].append("\(results)")
            } catch let error as LedgerError {
              answers[index].append("\(error.code): \(error.message)")
            }
          }
        }
        #expect(answers[1] == answers[0])
        #expect(try postgres.summary() == sqlite.summary())
        let audit = try postgres.audit()
        #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
      } catch {
        Issue.record("unexpected error: \(error)")
      }
    }
  }
}
