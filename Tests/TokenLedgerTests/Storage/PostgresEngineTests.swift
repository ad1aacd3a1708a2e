import Dispatch
import PropertyBased
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// The PostgreSQL engine against the SQLite one: the same operations give the same journal
/// (head hash) and state (digest) on both, every audit check runs clean on PostgreSQL and
/// catches tampering there, journals move between the engines by export and apply, and
/// writers on many connections keep one chain. Runs against a real server (``PostgresServer``).
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresEngineTests {
  static let fixtures = FixtureTests.fixtureFiles

  @Test(arguments: fixtures)
  func aFixtureGivesTheSameJournalOnBothEngines(file: String) throws {
    let fixture = try Fixture(json: try Repository.read(Repository.root + "/fixtures/" + file))
    let sqlite = try makeLedger()
    let postgres = try Ledger.open(at: try PostgresServer.ledger("fixture"), create: true)
    #expect(try fixture.load(into: sqlite).failures == [])
    #expect(try fixture.load(into: postgres).failures == [])
    #expect(try postgres.summary() == sqlite.summary())
    let audit = try postgres.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
  }

  @Test(.shrinking(false)) func randomStreamsGiveTheSameJournalOnBothEngines() async {
    await propertyCheck(count: 12, input: Gen.int(in: 0...1_000_000).array(of: 4...600)) {
      numbers in
      do {
        let lines = RandomOperations.lines(numbers)
        let sqlite = try makeLedger()
        let postgres = try Ledger.open(at: try PostgresServer.ledger("stream"), create: true)
        for ledger in [sqlite, postgres] {
          try ledger.apply(jsonLines: RandomOperations.setup)
          _ = try ledger.apply(jsonLines: lines, mode: .independent)
        }
        let state = try sqlite.summary()
        #expect(try postgres.summary() == state)
        #expect(try invariantViolations(postgres) == [])
        #expect(try postgres.balances() == sqlite.balances())

        // Export from one engine, apply into the other: the same journal.
        var exported: [String] = []
        try postgres.exportLines { exported.append($0) }
        let intoSQLite = try makeLedger()
        try intoSQLite.apply(jsonLines: exported)
        #expect(try intoSQLite.summary() == state)
        exported = []
        try sqlite.exportLines { exported.append($0) }
        let intoPostgres = try Ledger.open(at: try PostgresServer.ledger("copy"), create: true)
        try intoPostgres.apply(jsonLines: exported)
        #expect(try intoPostgres.summary() == state)

        let replay = try postgres.replay()
        #expect(replay.ok, "\(replay.differences) \(replay.failures)")
        let audit = try postgres.audit()
        #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
        for holder in try holders(postgres) {
          #expect(
            try walkedHistory(postgres, holder: holder) == scannedHistory(postgres, holder: holder))
        }
      } catch {
        Issue.record("unexpected error: \(error)")
      }
    }
  }

  /// Scans read through a cursor in chunks of ``PostgresStatement/fetchSize`` rows: a journal
  /// longer than one chunk is read whole by export, history and audit.
  @Test func scansLongerThanOneChunkReadEveryRow() throws {
    let lines =
      [anyAsset]
      + (0...PostgresStatement.fetchSize).map {
        #"{"op":"mint","id":"m\#($0)","asset":"TOK","to":"h\#($0 % 3)","amount":"1"}"#
      }
    let sqlite = try makeLedger()
    let postgres = try Ledger.open(at: try PostgresServer.ledger("long"), create: true)
    for ledger in [sqlite, postgres] { try ledger.apply(jsonLines: lines) }
    var fromSQLite: [String] = []
    var fromPostgres: [String] = []
    try sqlite.exportLines { fromSQLite.append($0) }
    try postgres.exportLines { fromPostgres.append($0) }
    #expect(fromPostgres.count == PostgresStatement.fetchSize + 2)
    #expect(fromPostgres == fromSQLite)
    #expect(try postgres.history(account: "h0").count == sqlite.history(account: "h0").count)
    let audit = try postgres.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
  }

  @Test func ledgersInOneDatabaseAreIndependent() throws {
    let first = try PostgresServer.ledger("first")
    let second = try PostgresServer.ledger("second")
    let a = try Ledger.open(at: first, create: true)
    let b = try Ledger.open(at: second, create: true)
    try a.apply(jsonLines: [
      anyAsset, #"{"op":"mint","id":"m1","asset":"TOK","to":"x","amount":"5"}"#,
    ])
    try b.apply(jsonLines: [
      anyAsset, #"{"op":"mint","id":"m1","asset":"TOK","to":"y","amount":"7"}"#,
    ])
    #expect(try a.summary().entries == 2)
    #expect(try a.totalSupply(asset: "TOK") == Amount(baseUnits: 5_000_000))
    #expect(try b.totalSupply(asset: "TOK") == Amount(baseUnits: 7_000_000))
    // Reopened, each is where it was; a ledger never created is not made by opening it.
    #expect(try Ledger.open(at: first).summary() == a.summary())
    #expect(throws: FileError.self) { try Ledger.open(at: try PostgresServer.ledger("never")) }
    #expect(throws: DatabaseError.self) {
      try Ledger.open(at: try PostgresServer.url.get() + "&ledger=Bad-Name", create: true)
    }
  }

  @Test func aFailedBatchLeavesNothingAndErrorsAreTheSame() throws {
    let postgres = try Ledger.open(at: try PostgresServer.ledger("atomic"), create: true)
    let sqlite = try makeLedger()
    let batch = [
      anyAsset, #"{"op":"mint","id":"m1","asset":"TOK","to":"x","amount":"5"}"#,
      #"{"op":"transfer","id":"t1","asset":"TOK","from":"x","to":"y","amount":"9"}"#,
    ]
    #expect(errorCode(postgres, batch) == errorCode(sqlite, batch))
    #expect(errorCode(postgres, batch) != nil)
    #expect(try postgres.summary() == sqlite.summary())
    #expect(try postgres.summary().entries == 0)
    try postgres.apply(jsonLines: Array(batch.prefix(2)))
    // The same id with another operation is refused, as on SQLite.
    let reuse = [#"{"op":"mint","id":"m1","asset":"TOK","to":"x","amount":"6"}"#]
    try sqlite.apply(jsonLines: Array(batch.prefix(2)))
    #expect(errorCode(postgres, reuse) == errorCode(sqlite, reuse))
    #expect(try postgres.summary() == sqlite.summary())
  }

  @Test func auditCatchesEditsMadeBehindTheLibrarysBack() throws {
    let url = try PostgresServer.ledger("tamper")
    let ledger = try Ledger.open(at: url, create: true)
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","id":"m1","asset":"TOK","to":"x","amount":"5"}"#,
      #"{"op":"transfer","id":"t1","asset":"TOK","from":"x","to":"y","amount":"2"}"#,
    ])
    #expect(try ledger.audit().ok)
    let database = try Database(path: url, mode: .existing)
    try database.execute("UPDATE postings SET amount = '3000000' WHERE entry_seq = 3")
    try database.execute(
      "UPDATE balances SET amount = '9' WHERE account_id = (SELECT min(id) FROM accounts)")
    let failed = Set(try ledger.audit().checks.filter { !$0.ok }.map(\.name))
    #expect(failed.contains("hashChain"))
    #expect(failed.contains("materializedBalances"))
    #expect(!failed.contains("sqliteIntegrity"), "the structure itself is sound")
  }

  @Test func writersOnManyConnectionsKeepOneChain() throws {
    let url = try PostgresServer.ledger("writers")
    try Ledger.open(at: url, create: true).apply(jsonLines: [
      anyAsset, #"{"op":"mint","id":"m","asset":"TOK","to":"bank","amount":"1000000"}"#,
    ])
    let writers = 4
    let perWriter = 150
    let failures = Locked<[String]>([])
    DispatchQueue.concurrentPerform(iterations: writers) { writer in
      do {
        let ledger = try Ledger.open(at: url)
        for index in 0..<perWriter {
          // Every writer also sends ids the others send: each is applied once.
          let id = index % 10 == 0 ? "shared-\(index)" : "w\(writer)-\(index)"
          try ledger.apply(jsonLines: [
            #"{"op":"transfer","id":"\#(id)","asset":"TOK","from":"bank","to":"\#(index % 10 == 0 ? "everyone" : "h\(writer)")","amount":"1"}"#
          ])
        }
      } catch {
        failures.withLock { $0.append("writer \(writer): \(error)") }
      }
    }
    #expect(failures.withLock { $0 } == [])
    let ledger = try Ledger.open(at: url)
    let distinct = writers * (perWriter - perWriter / 10) + perWriter / 10
    #expect(try ledger.summary().entries == Int64(2 + distinct))
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
  }
}

/// A value shared by threads under a lock.
final class Locked<Value>: @unchecked Sendable {
  private let lock = Lock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
