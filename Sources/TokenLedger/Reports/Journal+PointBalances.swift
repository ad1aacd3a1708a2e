/// Balances at an earlier point, summed in Swift from the postings into one amount per
/// account and asset: memory grows with the accounts, not with the history (a GROUP BY over
/// every posting sorted them all first: 1 GB at 8.6 million entries, docs/benchmarks.md).
extension Journal {
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
    try flushBalances()  // the backward walk starts from the balances table
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
      try database.forEachRow("SELECT account_id, asset, amount FROM balances") { row in
        balances[AccountAsset(account: row.integer(0)!, asset: row.text(1)!)] = try Self.amount(
          row.text(2)!)
      }
      try forEachPosting(after: sequence) { from, to, asset, amount in
        try add(from, asset, amount, negative: false)
        try add(to, asset, amount, negative: true)
      }
      return balances
    }
    try forEachPosting(upTo: point) { from, to, asset, amount in
      try add(from, asset, amount, negative: true)
      try add(to, asset, amount, negative: false)
    }
    return balances
  }

  /// Each posting up to `point` (from, to, asset, base units), in entry order.
  private func forEachPosting(
    upTo point: PointInTime, _ body: (Int64, Int64, String, UInt128) throws -> Void
  ) throws {
    guard case .sequence(let sequence) = point else {
      let (filter, value) = Ledger.entryFilter(point)
      return try forEachPosting(
        "FROM entries e JOIN postings p ON p.entry_seq = e.seq WHERE \(filter)", value, body)
    }
    try forEachPosting("FROM postings p WHERE p.entry_seq <= ?", .integer(sequence), body)
  }

  /// Each posting of an entry after `sequence`.
  private func forEachPosting(
    after sequence: Int64, _ body: (Int64, Int64, String, UInt128) throws -> Void
  ) throws {
    try forEachPosting("FROM postings p WHERE p.entry_seq > ?", .integer(sequence), body)
  }

  /// The postings `source` (a FROM clause naming them `p`, one parameter) selects.
  private func forEachPosting(
    _ source: String, _ value: SQLValue, _ body: (Int64, Int64, String, UInt128) throws -> Void
  ) throws {
    try database.forEachRow(
      "SELECT p.from_account, p.to_account, p.asset, p.amount \(source)", [value]
    ) { row in
      let (from, to, asset, amount) = try Self.posting(row)
      try body(from, to, asset, amount)
    }
  }

  private static func posting(_ row: Row) throws -> (Int64, Int64, String, UInt128) {
    let amount = row.withTextBytes(3) { bytes in bytes.flatMap { DecimalText.parseDigits($0) } }
    guard let from = row.integer(0), let to = row.integer(1), let asset = row.text(2),
      let amount
    else {
      throw DatabaseError(resultCode: 11, message: "a posting has a missing account or amount")
    }
    return (from, to, asset, amount)
  }
}
