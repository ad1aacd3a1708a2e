/// The reads of the current state that the compiler and the reports make outside the writer's
/// prepared statements: assets, holds, allowances, validators, staking buckets and system
/// balances, decoded into the domain's types.
extension Database {
  /// Every asset's symbol, in order.
  func assetSymbols() throws -> [String] {
    var symbols: [String] = []
    try forEachRow("SELECT symbol FROM assets ORDER BY symbol") { symbols.append($0.text(0)!) }
    return symbols
  }

  /// The asset of hold `hold`, nil when there is no such hold.
  func holdAsset(_ hold: String) throws -> String? {
    try firstRow("SELECT asset FROM holds WHERE hold_id = $1", [.text(hold)]) { $0.text(0) } ?? nil
  }

  /// Hold `hold`, nil when there is none.
  func hold(_ hold: String) throws -> HoldRecord? {
    try firstRow(
      "SELECT asset, payer, payee, amount, expires_time, status FROM holds WHERE hold_id = $1",
      [.text(hold)]
    ) { row in
      guard let amount = Amount(baseUnitText: row.text(3)!),
        let status = HoldRecord.Status(rawValue: row.text(5)!)
      else { throw DatabaseError(resultCode: 11, message: "hold \(hold) is malformed") }
      return HoldRecord(
        hold: hold, asset: row.text(0)!, payer: row.text(1)!, payee: row.text(2)!, amount: amount,
        expiresTime: row.integer(4), status: status)
    }
  }

  /// The open holds of `asset`, soonest expiry first (those without one last), then by id.
  func openHolds(asset: String) throws -> [(
    hold: String, payer: String, payee: String, amount: Amount, expiresTime: Int64?
  )] {
    var holds: [(hold: String, payer: String, payee: String, amount: Amount, expiresTime: Int64?)] =
      []
    try forEachRow(
      """
      SELECT hold_id, payer, payee, amount, expires_time FROM holds
      WHERE asset = $1 AND status = 'open' ORDER BY expires_time IS NULL, expires_time, hold_id
      """, [.text(asset)]
    ) { row in
      holds.append(
        (
          row.text(0)!, row.text(1)!, row.text(2)!,
          try Self.decodedAmount(row.text(3)!).amount ?? .zero, row.integer(4)
        ))
    }
    return holds
  }

  /// The allowance stored for (asset, owner, spender); nil when there is no row.
  func allowance(asset: String, owner: String, spender: String) throws -> AllowanceAmount? {
    guard
      let text = try firstRow(
        "SELECT amount FROM allowances WHERE asset = $1 AND owner = $2 AND spender = $3",
        [.text(asset), .text(owner), .text(spender)], { $0.text(0) }) ?? nil
    else { return nil }
    guard let amount = AllowanceAmount(storedText: text) else {
      throw DatabaseError(
        resultCode: 11, message: "allowance \(owner)→\(spender) in \(asset) is not an amount")
    }
    return amount
  }

  /// A validator's record from the columns `operator, commission, commission_changed_time,
  /// max_rate, max_change_rate` of `row`, starting at column `first`.
  private static func validatorRecord(
    _ row: Row, from first: Int, asset: String, validator: String
  ) throws -> ValidatorRecord {
    ValidatorRecord(
      asset: asset, validator: validator, operatorAddress: row.text(first)!,
      commission: try Rate(parsing: row.text(first + 1)!),
      commissionChangedTime: row.integer(first + 2),
      maxRate: try row.text(first + 3).map { text throws(LedgerError) in try Rate(parsing: text) },
      maxChangeRate: try row.text(first + 4).map { text throws(LedgerError) in
        try Rate(parsing: text)
      })
  }

  /// Validator `validator` of `asset`, nil when it is not registered.
  func validator(asset: String, validator: String) throws -> ValidatorRecord? {
    try firstRow(
      """
      SELECT operator, commission, commission_changed_time, max_rate, max_change_rate
      FROM validators WHERE asset = $1 AND validator = $2
      """,
      [.text(asset), .text(validator)]
    ) { row in try Self.validatorRecord(row, from: 0, asset: asset, validator: validator) }
  }

  /// Every validator of `asset` with its stake, in no particular order.
  func forEachValidator(
    asset: String, _ body: (ValidatorRecord, _ stake: Amount) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT validator, operator, commission, commission_changed_time, max_rate,
        max_change_rate, stake
      FROM validators WHERE asset = $1
      """, [.text(asset)]
    ) { row in
      let name = row.text(0)!
      guard let stake = Amount(baseUnitText: row.text(6) ?? "") else {
        throw DatabaseError(resultCode: 11, message: "stake of \(name) is unreadable")
      }
      try body(try Self.validatorRecord(row, from: 1, asset: asset, validator: name), stake)
    }
  }

  /// Per validator of `asset`, in one grouped pass over its buckets: the holders with a
  /// non-zero staked bucket on it, and the sum of its rewards buckets.
  func validatorBucketTotals(asset: String) throws -> [String: (
    delegators: Int, pendingRewards: Amount
  )] {
    var totals: [String: (delegators: Int, pendingRewards: Amount)] = [:]
    try forEachRow(
      """
      SELECT a.validator, count(DISTINCT CASE WHEN a.bucket = 'staked' THEN a.holder END),
        amount_sum(CASE WHEN a.bucket = 'rewards' THEN b.amount ELSE '0' END)
      FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE b.asset = $1 AND a.bucket IN ('staked', 'rewards') AND b.amount <> '0'
      GROUP BY a.validator
      """, [.text(asset)]
    ) { row in
      let name = row.text(0) ?? ""
      guard let pending = Amount(baseUnitText: row.text(2) ?? "") else {
        throw DatabaseError(
          resultCode: 11, message: "pending rewards on \(name) pass the largest amount")
      }
      totals[name] = (Int(row.integer(1) ?? 0), pending)
    }
    return totals
  }

  /// The non-zero buckets of `kind` on `validator` in `asset`, by holder and detail.
  func buckets(asset: String, validator: String, kind: Bucket.Kind) throws -> [(
    account: Account, amount: Amount
  )] {
    var result: [(account: Account, amount: Amount)] = []
    try forEachRow(
      """
      SELECT a.holder, a.detail, b.amount FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.bucket = $1 AND a.validator = $2 AND b.asset = $3 AND b.amount <> '0'
      ORDER BY a.holder, a.detail
      """, [.text(kind.rawValue), .text(validator), .text(asset)]
    ) { row in
      guard let bucket = Bucket(kind: kind.rawValue, validator: validator, detail: row.text(1)!),
        let amount = Amount(baseUnitText: row.text(2)!)
      else {
        throw DatabaseError(resultCode: 11, message: "malformed \(kind) bucket on \(validator)")
      }
      result.append((Account(holder: row.text(0)!, bucket: bucket), amount))
    }
    return result
  }

  /// The open unbonding entries of a delegator on a validator.
  func openUnbondingCount(asset: String, delegator: String, validator: String) throws -> Int {
    Int(
      try firstRow(
        "SELECT count(*) FROM unbonding WHERE asset = $1 AND delegator = $2 AND validator = $3",
        [.text(asset), .text(delegator), .text(validator)]
      ) { $0.integer(0) ?? 0 } ?? 0)
  }

  /// The sum of every system account's balance of `asset` (the holders' total is minus it).
  func systemBalanceSum(asset: String) throws -> SignedAmount {
    var systemSum = SignedAmount.zero
    try forEachRow(
      """
      SELECT b.amount FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE b.asset = $1 AND \(startsWith("a.holder", "@"))
      """, [.text(asset)]
    ) { row in
      guard let amount = SignedAmount(text: row.text(0)!), let sum = systemSum.adding(amount) else {
        throw DatabaseError(resultCode: 11, message: "system balances of \(asset) are malformed")
      }
      systemSum = sum
    }
    return systemSum
  }

  /// The number of validators of `asset`.
  func validatorCount(asset: String) throws -> Int64 {
    try firstRow("SELECT count(*) FROM validators WHERE asset = $1", [.text(asset)]) {
      $0.integer(0) ?? 0
    } ?? 0
  }

  /// The number of entries whose asset is `asset`.
  func entryCount(asset: String) throws -> Int64 {
    try firstRow("SELECT count(*) FROM entries WHERE asset = $1", [.text(asset)]) {
      $0.integer(0) ?? 0
    } ?? 0
  }

  /// The first and last times of `asset`'s entries, nil when none has a time.
  func timeSpan(asset: String) throws -> (first: Int64, last: Int64)? {
    guard
      let row = try firstRow(
        "SELECT min(time), max(time) FROM entries WHERE asset = $1", [.text(asset)],
        { ($0.integer(0), $0.integer(1)) }), let first = row.0, let last = row.1
    else { return nil }
    return (first, last)
  }

  /// The change of `asset`'s supply per period (the first `width` characters of the entry's
  /// UTC date `YYYY-MM-DD`; nil for undated entries, which come first): every posting that
  /// crosses between a system account and a holder.
  func supplyChanges(
    asset: String, periodWidth width: Int,
    _ body: (_ period: String?, _ change: SignedAmount) throws -> Void
  ) throws {
    var system: [Int64] = []
    try forEachRow("SELECT id FROM accounts WHERE \(startsWith("holder", "@"))") {
      system.append($0.integer(0)!)
    }
    // No system account yet: an id no account has (an empty IN () is SQLite's, not SQL's).
    let ids = system.isEmpty ? "-1" : system.map(String.init).joined(separator: ",")
    try forEachRow(
      """
      SELECT period, amount_sum(amount) FROM (
        SELECT substr(\(utcDate("e.time")), 1, \(width)) AS period, m.amount
        FROM (
          SELECT entry_seq, CASE WHEN from_account IN (\(ids)) THEN amount ELSE '-' || amount END
            AS amount
          FROM postings
          WHERE asset = $1 AND ((from_account IN (\(ids))) <> (to_account IN (\(ids))))
        ) m JOIN entries e ON e.seq = m.entry_seq
      ) dated
      GROUP BY period ORDER BY period IS NOT NULL, period
      """, [.text(asset)]
    ) { row in try body(row.text(0), try Self.decodedAmount(row.text(1) ?? "0")) }
  }
}

extension Database {
  /// Every `price` entry in order: its sequence, payload, height and time (the entries-by-kind
  /// index finds them).
  func forEachPriceEntry(
    _ body: (_ sequence: Int64, _ payload: String?, _ height: Int64?, _ time: Int64?) throws ->
      Void
  ) throws {
    try forEachRow(
      "SELECT seq, payload, height, time FROM entries WHERE kind = 'price' ORDER BY seq"
    ) { row in try body(row.integer(0)!, row.text(1), row.integer(2), row.integer(3)) }
  }

  /// Whether `asset` has an entry other than its definition.
  func assetHasEntries(_ asset: String) throws -> Bool {
    try firstRow(
      "SELECT 1 FROM entries WHERE asset = $1 AND kind <> 'defineAsset' LIMIT 1", [.text(asset)]
    ) { _ in true } ?? false
  }

  /// The id of one of `asset`'s validator registrations imported from a chain's state (an id
  /// `<chain>/…/validator/…`, stored as text); nil when it has none.
  func importedValidatorId(asset: String) throws -> String? {
    try firstRow(
      """
      SELECT idempotency_id FROM entries
      WHERE asset = $1 AND kind = 'registerValidator' AND kind <> 'transfer' AND \(isTextId("idempotency_id"))
        AND idempotency_id LIKE '%/%/validator/%' LIMIT 1
      """, [.text(asset)]
    ) { $0.text(0) } ?? nil
  }

  /// Whether the journal has any entry.
  func hasEntries() throws -> Bool {
    try firstRow("SELECT EXISTS (SELECT 1 FROM entries)", [], { $0.integer(0) == 1 }) == true
  }

  /// The last entry's sequence, nil for an empty journal.
  func lastSequence() throws -> Int64? {
    try firstRow("SELECT max(seq) FROM entries", [], { $0.integer(0) }) ?? nil
  }

  /// Copies the whole database into a new file at `path` (SQLite's `VACUUM INTO`).
  func copy(to path: String) throws {
    try execute("VACUUM INTO $1", [.text(path)])
  }
}
