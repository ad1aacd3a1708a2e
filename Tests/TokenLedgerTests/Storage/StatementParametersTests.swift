import Testing

@testable import TokenLedger

/// Statements number their parameters `$1`, `$2`, … in order of first appearance, which both
/// engines read as they are (no statement is rewritten for PostgreSQL).
@Suite struct StatementParametersTests {
  @Test(arguments: [
    "SELECT a FROM t WHERE x = $1 AND y = $2",
    "SELECT '?' , $1 -- ?\n, $2",
    "WHERE h = $1 AND (CAST($2 AS TEXT) IS NULL OR b = $2) AND c = $3",
    "SELECT \"col?\" FROM t WHERE k = $1",
    "CREATE FUNCTION f(text) RETURNS text AS $$ SELECT $1 || '?' $$ LANGUAGE sql",
    "SELECT 1",
  ])
  func statementsThatKeepToTheRule(sql: String) {
    #expect(StatementParameters.problem(in: sql) == nil, "\(sql)")
  }

  @Test(arguments: [
    "SELECT a FROM t WHERE x = ?",
    "SELECT a FROM t WHERE x = ?1",
    "SELECT a FROM t WHERE x = $2 AND y = $1",
    "SELECT a FROM t WHERE x = $1 AND y = $3",
  ])
  func statementsThatBreakIt(sql: String) {
    #expect(StatementParameters.problem(in: sql) != nil, "\(sql)")
  }

  /// On SQLite, `$n` named by first appearance binds by index as PostgreSQL's `$n` does: a
  /// parameter that appears twice takes one value.
  @Test func sqliteBindsDollarParametersByIndex() throws {
    let database = try Database(path: ":memory:", mode: .create)
    let row = try database.firstRow(
      "SELECT $1, $2, $1 || $2", [.text("a"), .text("b")]
    ) { ($0.text(0), $0.text(1), $0.text(2)) }
    #expect(row?.0 == "a" && row?.1 == "b" && row?.2 == "ab")
  }
}
