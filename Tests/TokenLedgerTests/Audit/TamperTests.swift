import Foundation
import Testing

@testable import TokenLedger

/// Proves tamper evidence systematically: on a ledger of a few hundred mixed operations, every
/// kind of single-row tamper (edit each column, delete, insert a copy) of every ledger table is
/// reported by `audit`, with a check that owns that table among those that fail.
@Suite(.serialized) struct TamperTests {
  /// The checks that must notice a tamper of each table (at least one of them).
  static let owners: [String: Set<String>] = [
    "assets": ["assets", "clockMonotonic", "sqliteIntegrity"],
    "accounts": ["hashChain", "accounts", "entriesBalanced", "sqliteIntegrity"],
    "balances": ["materializedBalances", "sqliteIntegrity"],
    "allowances": ["allowances", "sqliteIntegrity"],
    "entries": ["hashChain", "sequence", "idempotencyUnique", "sqliteIntegrity"],
    "postings": ["hashChain", "entriesBalanced", "sqliteIntegrity"],
    "validators": ["validatorStakes", "sqliteIntegrity"],
    "unbonding": ["unbonding", "sqliteIntegrity"],
    "holds": ["holds", "sqliteIntegrity"],
  ]

  static let base: String = {
    let path = NSTemporaryDirectory() + "tokenledger-tamper-base-\(UUID().uuidString).sqlite"
    let ledger = try! makeLedger()
    try! ledger.apply(jsonLines: RandomOperations.setup)
    var generator = SeededGenerator(seed: 7)
    let numbers = (0..<1600).map { _ in Int.random(in: 0...1_000_000, using: &generator) }
    _ = try! ledger.apply(jsonLines: RandomOperations.lines(numbers), mode: .independent)
    // Make sure every table has rows: an open unbonding, open and closed holds, allowances.
    _ = try! ledger.apply(
      jsonLines: [
        #"{"op":"mint","asset":"FET","to":"erin","amount":"50"}"#,
        #"{"op":"delegate","asset":"FET","delegator":"erin","validator":"val1","amount":"20"}"#,
        #"{"op":"undelegate","asset":"FET","delegator":"erin","validator":"val1","amount":"5"}"#,
        #"{"op":"hold","asset":"FET","from":"erin","to":"bob","amount":"3","hold":"open-hold"}"#,
        #"{"op":"approve","asset":"FET","owner":"erin","spender":"bob","amount":"2"}"#,
      ], mode: .independent)
    try! ledger.backup(to: path)
    return path
  }()

  struct Tamper: CustomStringConvertible {
    let table: String
    let sql: String
    let values: [SQLValue]
    var description: String { "\(table): \(sql) \(values)" }
  }

  /// Every single-row tamper of up to `rowsPerTable` rows of each table.
  static func tampers(rowsPerTable: Int) throws -> [Tamper] {
    let database = try Database(path: base, mode: .readOnly)
    var result: [Tamper] = []
    for table in owners.keys.sorted() {
      var columns: [(name: String, isKey: Bool)] = []
      try database.forEachRow("SELECT name, pk FROM pragma_table_info($1)", [.text(table)]) { row in
        columns.append((row.text(0)!, row.integer(1)! > 0))
      }
      var rows: [[SQLValue]] = []
      try database.forEachRow("SELECT * FROM \(table)") { row in
        rows.append((0..<row.count).map { row.value($0) })
      }
      #expect(!rows.isEmpty, "table \(table) has rows to tamper with")
      let step = max(1, rows.count / rowsPerTable)
      for row in stride(from: 0, to: rows.count, by: step).map({ rows[$0] }) {
        let keys = columns.enumerated().filter(\.element.isKey)
        // Parameters are numbered from `first`: after the new value in an UPDATE.
        func whereClause(from first: Int) -> String {
          keys.enumerated().map { "\($0.element.element.name) IS $\(first + $0.offset)" }
            .joined(separator: " AND ")
        }
        let keyValues = keys.map { row[$0.offset] }
        for (index, column) in columns.enumerated() {
          result.append(
            Tamper(
              table: table,
              sql: "UPDATE \(table) SET \(column.name) = $1 WHERE \(whereClause(from: 2))",
              values: [changed(row[index])] + keyValues))
        }
        result.append(
          Tamper(
            table: table, sql: "DELETE FROM \(table) WHERE \(whereClause(from: 1))",
            values: keyValues))
        let copy = columns.enumerated().map {
          $0.element.isKey ? changed(row[$0.offset]) : row[$0.offset]
        }
        result.append(
          Tamper(
            table: table,
            sql:
              "INSERT INTO \(table) VALUES (\(columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")))",
            values: copy))
      }
    }
    return result
  }

  /// A different value of the same kind: amounts one base unit more, integers plus one, other
  /// text with a letter appended, NULL made present.
  static func changed(_ value: SQLValue) -> SQLValue {
    switch value {
    case .null: return .integer(1)
    case .integer(let integer): return .integer(integer + 1_000_003)
    case .blob(let bytes): return .blob(bytes + [0])
    case .text(let text):
      if let amount = SignedAmount(text: text) {
        return .text(amount.adding(SignedAmount(Amount(baseUnits: 1)))!.description)
      }
      if text.count == 64, text.allSatisfy(\.isHexDigit) { return .text(String(text.reversed())) }
      return .text(text + "x")
    }
  }

  /// Applies a tamper as someone with the sqlite3 shell would (foreign keys and CHECK
  /// constraints off); false when SQLite refuses it or it changes no row.
  static func apply(_ tamper: Tamper, to path: String) -> Bool {
    guard let database = try? Database(path: path, mode: .existing),
      (try? database.executeScript(
        "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON")) != nil,
      (try? database.execute(tamper.sql, tamper.values)) != nil
    else { return false }
    return database.changes == 1
  }

  @Test func anUntouchedLedgerAuditsClean() throws {
    let report = try Ledger.open(at: Self.base).audit()
    #expect(report.ok, "\(report.checks.filter { !$0.ok })")
    #expect(report.entries > 200)
  }

  @Test func everySingleRowTamperIsReported() throws {
    let tampers = try Self.tampers(rowsPerTable: 4)
    #expect(tampers.count > 150)
    var unnoticed: [String] = []
    var appliedPerTable: [String: Int] = [:]
    for tamper in tampers {
      let path = NSTemporaryDirectory() + "tokenledger-tamper-\(UUID().uuidString).sqlite"
      defer { try? FileManager.default.removeItem(atPath: path) }
      try FileManager.default.copyItem(atPath: Self.base, toPath: path)
      // A row a unique or primary key refuses cannot exist: not a tamper.
      guard Self.apply(tamper, to: path) else { continue }
      appliedPerTable[tamper.table, default: 0] += 1
      let report = try Ledger.open(at: path).audit()
      let failing = Set(report.checks.filter { !$0.ok }.map(\.name))
      if failing.isDisjoint(with: Self.owners[tamper.table]!) {
        unnoticed.append("\(tamper) → failing: \(failing.sorted())")
      }
    }
    #expect(unnoticed == [])
    // Every table was really tampered with, in every way: edits of each column, a deletion
    // and an insertion for each sampled row.
    for table in Self.owners.keys {
      #expect(
        (appliedPerTable[table] ?? 0) >= 8,
        "\(table): \(appliedPerTable[table] ?? 0) tampers applied")
    }
    print("tampers applied per table: \(appliedPerTable.sorted { $0.key < $1.key })")
  }

  @Test func replayNamesExactlyTheTamperedBalance() throws {
    let path = NSTemporaryDirectory() + "tokenledger-replay-\(UUID().uuidString).sqlite"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try FileManager.default.copyItem(atPath: Self.base, toPath: path)
    let database = try Database(path: path, mode: .existing)
    let target = try #require(
      try database.firstRow(
        "SELECT b.account_id, b.asset, b.amount, a.holder, a.bucket FROM balances b JOIN accounts a ON a.id = b.account_id WHERE a.holder NOT GLOB '@*' AND a.bucket = 'available' AND b.amount <> '0' LIMIT 1"
      ) { ($0.integer(0)!, $0.text(1)!, $0.text(2)!, $0.text(3)!) })
    let bumped = SignedAmount(text: target.2)!.adding(SignedAmount(Amount(baseUnits: 7)))!
    try database.execute(
      "UPDATE balances SET amount = $1 WHERE account_id = $2 AND asset = $3",
      [.text(bumped.description), .integer(target.0), .text(target.1)])
    let report = try Ledger.open(at: path).replay()
    #expect(!report.ok)
    #expect(report.differences.count == 1)
    #expect(
      report.differences.first?.account == target.3
        && report.differences.first?.bucket == "available")
    #expect(report.headHash == report.storedHeadHash, "the journal itself is intact")
  }

  /// A stored operation that no longer applies (its payload edited) is named as a failure, and
  /// the operations around it still replay: the batch is retried one savepoint at a time.
  @Test func replayNamesAFailingOperationAndAppliesTheRest() throws {
    let path = NSTemporaryDirectory() + "tokenledger-replay-\(UUID().uuidString).sqlite"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let lines =
      [anyAsset]
      + (0..<30).map {
        #"{"op":"mint","asset":"TOK","to":"a\#($0)","amount":"\#($0 + 1)","id":"m\#($0)"}"#
      }
    let ledger = try Ledger.open(at: path, create: true)
    try ledger.apply(jsonLines: lines)
    let database = try Database(path: path, mode: .existing)
    try database.execute(
      "UPDATE entries SET payload = replace(payload, '\"to\":\"a7\"', '\"to\":\"@a7\"') WHERE idempotency_id = 'm7'"
    )
    var progress: [Int] = []
    let report = try Ledger.open(at: path).replay { progress.append($0) }
    #expect(progress == [31], "one batch, reported once")
    #expect(report.failures.count == 1)
    #expect(report.failures.first?.hasPrefix("entry 9 (mint): invalidAddress") == true)
    #expect(report.operations == 31)
    // The failed operation took no sequence number: the replayed journal is one entry shorter.
    #expect(report.entries == 30)
    // Only a7's mint is missing from the replayed state (and from the supply account).
    #expect(report.differences.map(\.account).sorted() == ["@supply", "a7"])
  }

  @Test func aCutAndRecomputedTailIsCaughtOnlyByAnAnchor() throws {
    let lines =
      RandomOperations.setup
      + (0..<20).map {
        #"{"op":"mint","asset":"FET","to":"alice","amount":"\#($0 + 1)","id":"m\#($0)"}"#
      }
    let full = try makeLedger()
    try full.apply(jsonLines: lines)
    let keys = Checkpoint.generatePrivateKey()
    let checkpoint = try Checkpoint.sign(full, privateKey: keys.privateKey)
    #expect(try checkpoint.problem(in: full, trustedPublicKey: keys.publicKey) == nil)
    // A consistent ledger with the last five entries cut: every internal check passes…
    let cut = try makeLedger()
    try cut.apply(jsonLines: Array(lines.dropLast(5)))
    #expect(try cut.audit().ok)
    // …but the anchors see it.
    let anchored = try cut.audit(
      anchors: AuditAnchors(
        expectHead: full.summary().headHash, checkpoint: (checkpoint, keys.publicKey)))
    #expect(anchored.checks.filter { !$0.ok }.map(\.name) == ["expectedHead", "checkpoint"])
    // A rewritten history of the same length fails the checkpoint too.
    let rewritten = try makeLedger()
    try rewritten.apply(
      jsonLines: Array(lines.dropLast()) + [#"{"op":"mint","asset":"FET","to":"bob","amount":"1"}"#]
    )
    #expect(
      try checkpoint.problem(in: rewritten, trustedPublicKey: keys.publicKey)?.contains("rewritten")
        == true)
    // A checkpoint signed by another key is refused.
    #expect(
      try checkpoint.problem(in: full, trustedPublicKey: Checkpoint.generatePrivateKey().publicKey)
        != nil)
  }
}

/// A small deterministic generator (SplitMix64) so that test ledgers are the same every run.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}
