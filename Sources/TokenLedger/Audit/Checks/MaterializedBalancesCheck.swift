/// The materialized balances equal the sums of the postings, account by account and asset by
/// asset; a balance row without postings (an insertion) and postings without a balance row
/// (a deletion) are both named. The history links are checked in the same pass: each posting's
/// `from_previous` / `to_previous` names the previous entry that moved that account in that
/// asset, and each balance row's `last_entry` the last one. One streaming pass over the
/// postings in key order, summed in memory per (account, asset): there are far fewer accounts
/// than postings.
struct MaterializedBalancesCheck: AuditCheck {
  let name = "materializedBalances"

  private struct Key: Hashable, Comparable {
    let account: Int64
    let asset: String
    static func < (lhs: Key, rhs: Key) -> Bool {
      (lhs.asset, lhs.account) < (rhs.asset, rhs.account)
    }
  }

  /// Accounts by id: holder and bucket as violations name them.
  private typealias Names = [Int64: (holder: String, bucket: String)]

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var accounts: Names = [:]
    try context.database.forEachStoredAccount { account in
      let bucket = Bucket(
        kind: account.bucketKind, validator: account.validator, detail: account.detail)
      accounts[account.id] = (account.holder, bucket?.description ?? account.bucketKind)
    }
    let sums = try sumPostings(context.database, accounts, &violations)
    var stored: [Key: (amount: String, lastEntry: Int64?)] = [:]
    try context.database.forEachStoredBalance { account, asset, amount, lastEntry in
      stored[Key(account: account, asset: asset)] = (amount, lastEntry)
    }
    for key in Set(sums.keys).union(stored.keys).sorted() {
      compare(
        key, sums[key], stored[key], context.assets[key.asset]?.decimals ?? 0, accounts,
        &violations)
    }
  }

  /// Every posting summed per account and asset, in key order, each history link checked on
  /// the way. A posting that cannot be read is left to entriesBalanced, which names it.
  private func sumPostings(
    _ database: Database, _ accounts: Names, _ violations: inout ViolationList
  ) throws -> [Key: Running] {
    var sums: [Key: Running] = [:]
    try database.forEachStoredPosting { row in
      guard let sequence = row.sequence, let index = row.index, let from = row.from,
        let to = row.to, let asset = row.asset,
        let amount = Amount(baseUnitText: row.amount ?? "")
      else { return }
      func visit(_ key: Key, _ delta: SignedAmount, link: Int64?) {
        var running = sums[key] ?? Running()
        let expected = running.previous(before: sequence)
        if link != expected {
          violations.append(
            Violation(
              "posting \(index) of entry \(sequence) links account \(key.account) to the wrong previous entry",
              sequence: sequence, account: accounts[key.account]?.holder,
              bucket: accounts[key.account]?.bucket, asset: key.asset,
              expected: String(expected), actual: link.map(String.init) ?? "NULL"))
        }
        running.add(delta, entry: sequence)
        sums[key] = running
      }
      visit(Key(account: from, asset: asset), SignedAmount(amount).negated, link: row.fromPrevious)
      visit(Key(account: to, asset: asset), SignedAmount(amount), link: row.toPrevious)
    }
    return sums
  }

  /// One account and asset: the postings' sum against the stored row (amount and last entry).
  private func compare(
    _ key: Key, _ expected: Running?, _ actualRow: (amount: String, lastEntry: Int64?)?,
    _ decimals: Int, _ accounts: Names, _ violations: inout ViolationList
  ) {
    if let expected, let actualRow, expected.amount.description == actualRow.amount {
      if actualRow.lastEntry != expected.last {
        violations.append(
          Violation(
            "balance of account \(key.account) names the wrong last entry",
            account: accounts[key.account]?.holder, bucket: accounts[key.account]?.bucket,
            asset: key.asset, expected: String(expected.last),
            actual: actualRow.lastEntry.map(String.init) ?? "NULL"))
      }
      return
    }
    let actual = actualRow.flatMap { SignedAmount(text: $0.amount) }
    violations.append(
      Violation(
        expected == nil
          ? "balance row of account \(key.account) has no postings"
          : "balance of account \(key.account) differs from its postings",
        account: accounts[key.account]?.holder, bucket: accounts[key.account]?.bucket,
        asset: key.asset,
        expected: expected?.amount.formatted(decimals: decimals) ?? "none",
        actual: actual?.formatted(decimals: decimals) ?? actualRow?.amount ?? "none"))
  }

  /// The sum of an account's postings in an asset so far, and the entries that moved it last.
  private struct Running {
    var amount = SignedAmount.zero
    /// The last entry seen, and the one before it (for a second posting of the same entry).
    var last: Int64 = 0
    var beforeLast: Int64 = 0

    func previous(before sequence: Int64) -> Int64 { last == sequence ? beforeLast : last }

    mutating func add(_ delta: SignedAmount, entry: Int64) {
      amount = amount.adding(delta) ?? amount
      if last != entry {
        beforeLast = last
        last = entry
      }
    }
  }
}
