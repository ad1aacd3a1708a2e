import Foundation
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// The tamper test on PostgreSQL: the same ledger as ``TamperTests`` (its journal applied to a
/// ledger on PostgreSQL), every single-row edit, deletion and insertion of every table that
/// PostgreSQL lets through (its CHECK, NOT NULL, key and type constraints cannot be switched off
/// per session, as SQLite's can: what they refuse cannot exist), each on a fresh copy, and
/// `audit` must report each with a check that owns the table.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresTamperTests {
  /// Tables in the order their rows can be copied (references first).
  static let tables = [
    "assets", "accounts", "entries", "postings", "balances", "allowances", "validators",
    "unbonding", "holds",
  ]

  static let base: String = {
    let url = try! PostgresServer.ledger("tamper_base")
    let source = try! Ledger.open(at: TamperTests.base, readOnly: true)
    var lines: [String] = []
    try! source.exportLines { lines.append($0) }
    let ledger = try! Ledger.open(at: url, create: true)
    try! ledger.apply(jsonLines: lines)
    return url
  }()

  static var baseSchema: String { PostgresLocation(base)!.schema }

  /// A fresh ledger holding exactly the base's rows.
  static func copy() throws -> String {
    let url = try PostgresServer.ledger("tamper")
    _ = try Ledger.open(at: url, create: true)
    let database = try Database(path: url, mode: .existing)
    try database.executeScript("BEGIN")
    try database.executeScript("DELETE FROM journal_format")
    for table in ["journal_format"] + tables {
      try database.executeScript("INSERT INTO \(table) SELECT * FROM \"\(baseSchema)\".\(table)")
    }
    try database.executeScript("COMMIT")
    return url
  }

  @Test func theBaseHasTheSQLiteLedgersJournalAndAuditsClean() throws {
    let postgres = try Ledger.open(at: Self.base)
    #expect(try postgres.summary() == Ledger.open(at: TamperTests.base, readOnly: true).summary())
    let report = try Ledger.open(at: try Self.copy()).audit()
    #expect(report.ok, "\(report.checks.filter { !$0.ok })")
  }

  @Test func everySingleRowTamperIsReported() throws {
    let database = try Database(path: Self.base, mode: .existing)
    var tampers: [TamperTests.Tamper] = []
    for table in Self.tables {
      var columns: [(name: String, isKey: Bool)] = []
      try database.forEachRow(
        """
        SELECT c.column_name,
          EXISTS (SELECT 1 FROM information_schema.key_column_usage k
            JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name
              AND t.table_schema = k.table_schema
            WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
              AND k.table_name = c.table_name AND k.column_name = c.column_name)
        FROM information_schema.columns c
        WHERE c.table_schema = CAST($1 AS TEXT) AND c.table_name = CAST($2 AS TEXT)
        ORDER BY c.ordinal_position
        """, [.text(Self.baseSchema), .text(table)]
      ) { columns.append(($0.text(0)!, $0.integer(1) == 1)) }
      var rows: [[SQLValue]] = []
      try database.forEachRow("SELECT * FROM \(table) ORDER BY 1") { row in
        rows.append((0..<row.count).map { row.value($0) })
      }
      #expect(!rows.isEmpty, "table \(table) has rows to tamper with")
      let keys = columns.enumerated().filter(\.element.isKey)
      // Parameters are numbered from `first`: after the new value in an UPDATE.
      func whereClause(from first: Int) -> String {
        keys.enumerated().map {
          "\($0.element.element.name) IS NOT DISTINCT FROM $\(first + $0.offset)"
        }.joined(separator: " AND ")
      }
      for row in stride(from: 0, to: rows.count, by: max(1, rows.count / 2)).map({ rows[$0] }) {
        let keyValues = keys.map { row[$0.offset] }
        for (index, column) in columns.enumerated() {
          tampers.append(
            TamperTests.Tamper(
              table: table,
              sql: "UPDATE \(table) SET \(column.name) = $1 WHERE \(whereClause(from: 2))",
              values: [TamperTests.changed(row[index])] + keyValues))
        }
        tampers.append(
          TamperTests.Tamper(
            table: table, sql: "DELETE FROM \(table) WHERE \(whereClause(from: 1))",
            values: keyValues))
        tampers.append(
          TamperTests.Tamper(
            table: table,
            sql:
              "INSERT INTO \(table) VALUES (\(columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")))",
            values: columns.enumerated().map {
              $0.element.isKey ? TamperTests.changed(row[$0.offset]) : row[$0.offset]
            }))
      }
    }
    #expect(tampers.count > 80)
    var unnoticed: [String] = []
    var appliedPerTable: [String: Int] = [:]
    let head = try #require(
      try Database(path: Self.base, mode: .readOnly).firstRow("SELECT max(seq) FROM entries", []) {
        $0.integer(0)
      } ?? nil)
    for tamper in tampers {
      let url = try Self.copy()
      // Foreign keys off, as an attacker with the owner's rights may: PostgreSQL's replica
      // role skips their triggers.
      let connection = try Database(path: url, mode: .existing)
      try connection.executeScript("SET session_replication_role = replica")
      guard (try? connection.execute(tamper.sql, tamper.values)) != nil, connection.changes == 1
      else { continue }
      appliedPerTable[tamper.table, default: 0] += 1
      let failing = Set(try Ledger.open(at: url).audit().checks.filter { !$0.ok }.map(\.name))
      // Deleting the head entry cuts the tail: the chain that is left verifies, and only the
      // state the entry left behind gives it away (without an anchor; see
      // TamperTests.aCutAndRecomputedTailIsCaughtOnlyByAnAnchor), whichever check owns it.
      let cutsTheTail =
        tamper.table == "entries" && tamper.sql.hasPrefix("DELETE")
        && tamper.values == [.integer(head)]
      if cutsTheTail ? failing.isEmpty : failing.isDisjoint(with: TamperTests.owners[tamper.table]!)
      {
        unnoticed.append("\(tamper) → failing: \(failing.sorted())")
      }
    }
    #expect(unnoticed == [])
    for table in Self.tables {
      #expect(
        (appliedPerTable[table] ?? 0) >= 4,
        "\(table): \(appliedPerTable[table] ?? 0) tampers applied")
    }
    print("PostgreSQL tampers applied per table: \(appliedPerTable.sorted { $0.key < $1.key })")
  }
}
