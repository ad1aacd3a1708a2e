/// Allowances are well formed and equal what the journal's approvals and spends leave
/// (``Journal/journalAllowances(until:)``).
struct AllowancesCheck: AuditCheck {
  let name = "allowances"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    let expected = try context.journal.journalAllowances(until: .now)
    var stored: [AllowanceKey: String] = [:]
    try context.database.forEachStoredAllowance { asset, owner, spender, amount in
      stored[AllowanceKey(asset: asset, owner: owner, spender: spender)] = amount
    }
    for key in Set(expected.keys).union(stored.keys).sorted() {
      let want = expected[key] ?? .limited(.zero)
      let have: AllowanceAmount? =
        stored[key] == nil
        ? .limited(.zero) : stored[key].flatMap(AllowanceAmount.init(storedText:))
      guard have != want else { continue }
      let decimals = context.assets[key.asset]?.decimals ?? 0
      violations.append(
        Violation(
          "allowance \(key.owner) → \(key.spender) differs from the journal", account: key.owner,
          asset: key.asset,
          expected: want.formatted(decimals: decimals),
          actual: have?.formatted(decimals: decimals) ?? stored[key] ?? "none"))
    }
  }
}
