/// Money is conserved: for each asset, the balances of all accounts, system accounts included,
/// sum to exactly zero.
struct ConservationCheck: AuditCheck {
  let name = "conservation"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.balanceSumsByAsset { asset, text in
      guard text != "0", let sum = SignedAmount(text: text) else { return }
      violations.append(
        Violation(
          "the balances of \(asset) sum to \(sum.formatted(decimals: context.assets[asset]?.decimals ?? 0)), not 0",
          asset: asset, expected: "0",
          actual: sum.formatted(decimals: context.assets[asset]?.decimals ?? 0)))
    }
  }
}
