import Foundation
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// The amount columns' checks accept exactly the same texts on both engines (SQLite's GLOBs and
/// lengths, PostgreSQL's regular expressions and lengths), at every length around their bounds.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresSchemaTests {
  /// Texts around every bound: canonical and not, signed and not, 0 to 82 digits.
  static let candidates: [String] = {
    var texts = [
      "", "0", "-0", "00", "01", "-", "--1", "1-", "+1", " 1", "1 ", "1\n", "1.5", "1e3", "１",
      "٣", "unlimited", "Unlimited", "-unlimited", "unlimited ",
    ]
    for length in 0...82 {
      texts += [
        "1" + String(repeating: "0", count: length), "-1" + String(repeating: "9", count: length),
        "0" + String(repeating: "1", count: length), "-" + String(repeating: "5", count: length),
        String(repeating: "7", count: length) + "x",
      ]
    }
    return texts
  }()

  /// The row each column's text is written in, with the rows it refers to made first.
  static let setup = [
    "INSERT INTO assets (symbol, decimals, definition) VALUES ('T', 0, '{}')",
    "INSERT INTO accounts (holder, bucket) VALUES ('a', 'available')",
  ]
  static let columns: [(name: String, sql: String)] = [
    ("balances.amount", "INSERT INTO balances (account_id, asset, amount) VALUES (1, 'T', $1)"),
    (
      "postings.amount",
      "INSERT INTO postings (entry_seq, posting_index, asset, from_account, to_account, amount)"
        + " VALUES (1, 0, 'T', 1, 1, $1)"
    ),
    (
      "allowances.amount",
      "INSERT INTO allowances (asset, owner, spender, amount) VALUES ('T', 'o', 's', $1)"
    ),
    (
      "validators.stake",
      "INSERT INTO validators (asset, validator, operator, commission, stake)"
        + " VALUES ('T', 'v', 'o', '0.1', $1)"
    ),
  ]

  /// Which candidates each column accepts on `database` (a fresh ledger's tables).
  static func accepted(_ database: Database) throws -> [String: [String]] {
    try database.executeScript("BEGIN")
    defer { try? database.executeScript("ROLLBACK") }
    for sql in setup { try database.execute(sql) }
    try database.execute(
      "INSERT INTO entries (seq, kind, hash) VALUES (1, 'transfer', $1)",
      [.blob(Array(repeating: 0, count: 32))])
    var accepted: [String: [String]] = [:]
    for column in columns {
      for text in candidates {
        try database.executeScript("SAVEPOINT candidate")
        if (try? database.execute(column.sql, [.text(text)])) != nil {
          accepted[column.name, default: []].append(text)
        }
        try database.executeScript("ROLLBACK TO candidate")
      }
    }
    return accepted
  }

  @Test func amountColumnsAcceptTheSameTextsOnBothEngines() throws {
    let sqlite = try Database(path: ":memory:", mode: .create)
    try Schema.migrate(sqlite)
    let url = try PostgresServer.ledger("amount_checks")
    _ = try Ledger.open(at: url, create: true)
    let postgres = try Database(path: url, mode: .existing)
    let onSQLite = try Self.accepted(sqlite)
    let onPostgres = try Self.accepted(postgres)
    for column in Self.columns {
      #expect(onPostgres[column.name] == onSQLite[column.name], "\(column.name)")
    }
    // The bounds themselves: 2^256 − 1 needs 78 digits, a balance holds it signed; a posting,
    // an allowance and a stake hold 39 (2^128 − 1).
    #expect(onSQLite["balances.amount"]?.contains("-1" + String(repeating: "9", count: 77)) == true)
    #expect(onSQLite["balances.amount"]?.contains("1" + String(repeating: "0", count: 78)) == false)
    #expect(onSQLite["postings.amount"]?.contains("1" + String(repeating: "0", count: 38)) == true)
    #expect(onSQLite["postings.amount"]?.contains("1" + String(repeating: "0", count: 39)) == false)
    #expect(onSQLite["allowances.amount"]?.contains("unlimited") == true)
    #expect(onSQLite["validators.stake"]?.contains("0") == true)
  }
}
