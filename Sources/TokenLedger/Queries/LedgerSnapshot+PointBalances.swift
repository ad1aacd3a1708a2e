/// Balances at an earlier point, summed in Swift from the postings into one amount per
/// account and asset: memory grows with the accounts, not with the history (a GROUP BY over
/// every posting sorted them all first: 1 GB at 8.6 million entries, docs/benchmarks.md).
extension LedgerSnapshot {
  /// An account (by id) and an asset: the key of a point-in-time balance.
  struct AccountAsset: Hashable {
    let account: Int64
    let asset: String
  }

  /// Every account's balance of each asset at `point` (`.now` excluded), zero ones included.
  /// An entry in the second half of the journal is reached backwards from the balances now
  /// (minus every later posting); any other point forwards from the genesis.
  func accountBalances(at point: PointInTime) throws -> [AccountAsset: SignedAmount] {
    precondition(point != .now, "the balances now are materialized")
    var balances: [AccountAsset: SignedAmount] = [:]
    func add(_ account: Int64, _ asset: String, _ amount: UInt128, negative: Bool) throws {
      let key = AccountAsset(account: account, asset: asset)
      guard
        let sum = balances[key, default: .zero].adding(
          SignedAmount(isNegative: negative, magnitude: amount))
      else {
        throw DatabaseError(resultCode: 11, message: "account \(account)'s \(asset) overflows")
      }
      balances[key] = sum
    }
    if case .sequence(let sequence) = point, sequence > (try head().sequence) / 2 {
      try database.forEachBalanceAmount { account, asset, amount in
        balances[AccountAsset(account: account, asset: asset)] = amount
      }
      try database.forEachPosting(after: sequence) { from, to, asset, amount in
        try add(from, asset, amount, negative: false)
        try add(to, asset, amount, negative: true)
      }
      return balances
    }
    try database.forEachPosting(upTo: point) { from, to, asset, amount in
      try add(from, asset, amount, negative: true)
      try add(to, asset, amount, negative: false)
    }
    return balances
  }
}
