/// Set-wise reads for reports: balances now or at a point in time, history, the state digest.
extension LedgerSnapshot {
  /// Calls `body` with every non-zero (holder, bucket kind, asset, amount), from the
  /// materialized balances (`.now`) or summed from the postings up to a point.
  func forEachBalance(
    at point: PointInTime, _ body: (String, Bucket.Kind, String, SignedAmount) throws -> Void
  ) throws {
    guard point != .now else {
      try database.forEachNonZeroHolderBalance(body)
      return
    }
    let balances = try accountBalances(at: point)
    var accounts: [Int64: (holder: String, kind: Bucket.Kind)] = [:]
    try database.forEachAccountKind { id, holder, kind in accounts[id] = (holder, kind) }
    for (key, amount) in balances.sorted(by: Self.byAccountThenAsset) where amount != .zero {
      guard let account = accounts[key.account] else {
        throw DatabaseError(
          resultCode: 11, message: "a posting names account \(key.account), which does not exist")
      }
      try body(account.holder, account.kind, key.asset, amount)
    }
  }

  /// The order GROUP BY account, asset gave: account id, then asset.
  static func byAccountThenAsset(
    _ left: (key: AccountAsset, value: SignedAmount),
    _ right: (key: AccountAsset, value: SignedAmount)
  ) -> Bool {
    (left.key.account, left.key.asset) < (right.key.account, right.key.asset)
  }

  /// Calls `body` with every non-zero balance by full account (validator, entry and hold kept
  /// apart), materialized for `.now`, summed from the postings up to a point otherwise.
  func forEachBucketBalance(
    at point: PointInTime, _ body: (Account, String, SignedAmount) throws -> Void
  ) throws {
    guard point != .now else {
      try database.forEachNonZeroAccountBalance(body)
      return
    }
    let balances = try accountBalances(at: point)
    var accounts: [Int64: Account] = [:]
    try database.forEachAccount { id, account in accounts[id] = account }
    for (key, amount) in balances.sorted(by: Self.byAccountThenAsset) where amount != .zero {
      guard let account = accounts[key.account] else {
        throw DatabaseError(
          resultCode: 11, message: "a posting names account \(key.account), which does not exist")
      }
      try body(account, key.asset, amount)
    }
  }

  func forEachBucket(holder: String, asset: String, _ body: (Bucket, SignedAmount) throws -> Void)
    throws
  {
    try database.forEachNonZeroBucket(holder: holder, asset: asset, body)
  }

  /// Each holder's total holding of `asset` (every bucket), non-zero ones only, at `point`.
  /// For now, summed in SQL per holder; at an earlier point, from the postings.
  func forEachHolderTotal(
    asset: String, at point: PointInTime, _ body: (String, UInt128) throws -> Void
  ) throws {
    guard point == .now else {
      var totals: [String: UInt128] = [:]
      try forEachBalance(at: point) { holder, _, symbol, amount in
        guard symbol == asset, !holder.hasPrefix("@") else { return }
        guard let value = amount.amount,
          case (let sum, false) = totals[holder, default: 0].addingReportingOverflow(
            value.baseUnits)
        else { preconditionFailure("holder \(holder) of \(asset) is negative or past its supply") }
        totals[holder] = sum
      }
      for (holder, total) in totals where total != 0 { try body(holder, total) }
      return
    }
    // Each balance row is read in holder order and summed here, which costs a third of GROUP BY
    // with a summing aggregate over a million holders (docs/benchmarks.md, proofs of
    // liabilities).
    var current: String?
    var total: UInt128 = 0
    try database.forEachHolderBalance(asset: asset) { holder, amount in
      if holder != current {
        if let current, total != 0 { try body(current, total) }
        current = holder
        total = 0
      }
      guard case (let sum, false) = total.addingReportingOverflow(amount) else {
        throw DatabaseError(resultCode: 11, message: "\(holder)'s \(asset) exceeds 2^128 - 1")
      }
      total = sum
    }
    if let current, total != 0 { try body(current, total) }
  }

  /// SHA-256 over the sorted non-zero balances and allowances.
  func stateDigest() throws -> String {
    var lines: [[UInt8]] = []
    try database.forEachNonZeroAccountBalance { account, asset, amount in
      lines.append(StateDigest.balanceLine(asset: asset, account: account, amount: amount))
    }
    try database.forEachNonZeroAllowance { asset, owner, spender, amount in
      lines.append(
        StateDigest.allowanceLine(asset: asset, owner: owner, spender: spender, amount: amount))
    }
    return StateDigest.digest(lines: lines)
  }
}
