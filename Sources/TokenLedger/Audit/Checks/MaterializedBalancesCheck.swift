/// The materialized balances equal the sums of the postings, account by account and asset by
/// asset; a balance row without postings (an insertion) and postings without a balance row
/// (a deletion) are both named.
struct MaterializedBalancesCheck: AuditCheck {
  let name = "materializedBalances"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      """
      WITH moves AS (
        SELECT from_account AS account_id, asset, '-' || amount AS amount FROM postings
        UNION ALL SELECT to_account, asset, amount FROM postings
      ), sums AS (
        SELECT account_id, asset, amount_sum(amount) AS amount FROM moves GROUP BY account_id, asset
      ), pairs AS (
        SELECT account_id, asset FROM sums UNION SELECT account_id, asset FROM balances
      )
      SELECT p.account_id, p.asset, s.amount, b.amount, a.holder, a.bucket, a.validator, a.detail
      FROM pairs p LEFT JOIN sums s ON s.account_id = p.account_id AND s.asset = p.asset
      LEFT JOIN balances b ON b.account_id = p.account_id AND b.asset = p.asset
      LEFT JOIN accounts a ON a.id = p.account_id
      WHERE s.amount IS NULL OR b.amount IS NULL OR s.amount <> b.amount
      ORDER BY p.asset, a.holder, p.account_id
      """
    ) { row in
      let asset = row.text(1) ?? ""
      let bucket = Bucket(
        kind: row.text(5) ?? "", validator: row.text(6) ?? "", detail: row.text(7) ?? "")
      let expected = row.text(2).flatMap { SignedAmount(text: $0) }
      let actual = row.text(3).flatMap { SignedAmount(text: $0) }
      let decimals = context.assets[asset]?.decimals ?? 0
      violations.append(
        Violation(
          row.text(2) == nil
            ? "balance row of account \(row.integer(0)!) has no postings"
            : "balance of account \(row.integer(0)!) differs from its postings",
          account: row.text(4), bucket: bucket?.description ?? row.text(5), asset: asset,
          expected: expected?.formatted(decimals: decimals) ?? row.text(2) ?? "none",
          actual: actual?.formatted(decimals: decimals) ?? row.text(3) ?? "none"))
    }
  }
}
