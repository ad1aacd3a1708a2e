/// The materialized balances equal the sums of the postings, account by account and asset by
/// asset; a balance row without postings (an insertion) and postings without a balance row
/// (a deletion) are both named. One streaming pass over the postings, summed in memory per
/// (account, asset): there are far fewer accounts than postings.
struct MaterializedBalancesCheck: AuditCheck {
  let name = "materializedBalances"

  private struct Key: Hashable, Comparable {
    let account: Int64
    let asset: String
    static func < (lhs: Key, rhs: Key) -> Bool {
      (lhs.asset, lhs.account) < (rhs.asset, rhs.account)
    }
  }

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var sums: [Key: SignedAmount] = [:]
    var unreadable = 0
    try context.database.forEachRow("SELECT from_account, to_account, asset, amount FROM postings")
    { row in
      guard let from = row.integer(0), let to = row.integer(1), let asset = row.text(2),
        let amount = Amount(baseUnitText: row.text(3) ?? "")
      else {
        unreadable += 1  // entriesBalanced names the malformed posting
        return
      }
      let debit = Key(account: from, asset: asset)
      let credit = Key(account: to, asset: asset)
      sums[debit] = (sums[debit] ?? .zero).adding(SignedAmount(amount).negated) ?? sums[debit]
      sums[credit] = (sums[credit] ?? .zero).adding(SignedAmount(amount)) ?? sums[credit]
    }
    var stored: [Key: String] = [:]
    try context.database.forEachRow("SELECT account_id, asset, amount FROM balances") { row in
      stored[Key(account: row.integer(0) ?? -1, asset: row.text(1) ?? "")] = row.text(2) ?? ""
    }
    var accounts: [Int64: (holder: String, bucket: String)] = [:]
    try context.database.forEachRow("SELECT id, holder, bucket, validator, detail FROM accounts") {
      row in
      let bucket = Bucket(
        kind: row.text(2) ?? "", validator: row.text(3) ?? "", detail: row.text(4) ?? "")
      accounts[row.integer(0) ?? -1] = (row.text(1) ?? "", bucket?.description ?? row.text(2) ?? "")
    }
    for key in Set(sums.keys).union(stored.keys).sorted() {
      let expected = sums[key]
      let actualText = stored[key]
      guard expected?.description != actualText else { continue }
      let decimals = context.assets[key.asset]?.decimals ?? 0
      let actual = actualText.flatMap { SignedAmount(text: $0) }
      violations.append(
        Violation(
          expected == nil
            ? "balance row of account \(key.account) has no postings"
            : "balance of account \(key.account) differs from its postings",
          account: accounts[key.account]?.holder, bucket: accounts[key.account]?.bucket,
          asset: key.asset,
          expected: expected?.formatted(decimals: decimals) ?? "none",
          actual: actual?.formatted(decimals: decimals) ?? actualText ?? "none"))
    }
  }
}
