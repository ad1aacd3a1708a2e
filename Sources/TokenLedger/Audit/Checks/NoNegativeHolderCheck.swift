/// No holder bucket is negative (only system accounts, whose names start with `@`, may be).
struct NoNegativeHolderCheck: AuditCheck {
  let name = "noNegativeHolder"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      """
      SELECT a.holder, a.bucket, a.validator, a.detail, b.asset, b.amount
      FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE b.amount GLOB '-*' AND a.holder NOT GLOB '@*' ORDER BY b.asset, a.holder
      """
    ) { row in
      let asset = row.text(4) ?? ""
      let amount = SignedAmount(text: row.text(5) ?? "")
      violations.append(
        Violation(
          "holder bucket is negative", account: row.text(0),
          bucket: Bucket(
            kind: row.text(1) ?? "", validator: row.text(2) ?? "", detail: row.text(3) ?? "")?
            .description,
          asset: asset, expected: ">= 0",
          actual: amount?.formatted(decimals: context.assets[asset]?.decimals ?? 0) ?? row.text(5)))
    }
  }
}
