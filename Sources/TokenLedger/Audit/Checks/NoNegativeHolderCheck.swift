/// No holder bucket is negative (only system accounts, whose names start with `@`, may be).
struct NoNegativeHolderCheck: AuditCheck {
  let name = "noNegativeHolder"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachNegativeHolderBalance { account, asset, text in
      let amount = SignedAmount(text: text)
      violations.append(
        Violation(
          "holder bucket is negative", account: account.holder,
          bucket: Bucket(
            kind: account.bucketKind, validator: account.validator, detail: account.detail)?
            .description,
          asset: asset, expected: ">= 0",
          actual: amount?.formatted(decimals: context.assets[asset]?.decimals ?? 0) ?? text))
    }
  }
}
