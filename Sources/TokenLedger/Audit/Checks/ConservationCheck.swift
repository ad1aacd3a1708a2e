/// Money is conserved: for each asset, the balances of all accounts, system accounts included,
/// sum to exactly zero.
struct ConservationCheck: AuditCheck {
  let name = "conservation"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      "SELECT asset, amount_sum(amount) FROM balances WHERE amount_valid(amount) = 1 GROUP BY asset ORDER BY asset"
    ) { row in
      let asset = row.text(0) ?? ""
      guard row.text(1) != "0", let sum = SignedAmount(text: row.text(1) ?? "") else { return }
      violations.append(
        Violation(
          "the balances of \(asset) sum to \(sum.formatted(decimals: context.assets[asset]?.decimals ?? 0)), not 0",
          asset: asset, expected: "0",
          actual: sum.formatted(decimals: context.assets[asset]?.decimals ?? 0)))
    }
  }
}
