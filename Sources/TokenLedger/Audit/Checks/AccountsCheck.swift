/// Every account has a valid bucket and is used by a posting: the journal creates accounts only
/// for postings, so an account no posting names was inserted behind its back. "Named by a
/// posting" is read from the balance rows' last entries, which materializedBalances checks
/// against the postings themselves (a row without postings, or a wrong last entry, is named
/// there); so this check needs no index of the postings by account.
struct AccountsCheck: AuditCheck {
  let name = "accounts"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      """
      SELECT a.id, a.holder, a.bucket, a.validator, a.detail,
             EXISTS (SELECT 1 FROM balances b WHERE b.account_id = a.id AND b.last_entry > 0)
      FROM accounts a ORDER BY a.id
      """
    ) { row in
      let holder = row.text(1) ?? ""
      guard
        let bucket = Bucket(
          kind: row.text(2) ?? "", validator: row.text(3) ?? "", detail: row.text(4) ?? "")
      else {
        violations.append(
          Violation(
            "account \(row.integer(0)!) has a malformed bucket", account: holder,
            bucket: row.text(2)))
        return
      }
      if row.integer(5) != 1 {
        violations.append(
          Violation(
            "account \(row.integer(0)!) is named by no posting", account: holder,
            bucket: bucket.description))
      }
    }
  }
}
