/// Set-wise reads for reports: balances now or at a point in time, history, the state digest.
extension Journal {
  /// Calls `body` with every non-zero (holder, bucket kind, asset, amount), from the
  /// materialized balances (`.now`) or summed from the postings up to a point.
  func forEachBalance(
    at point: PointInTime, _ body: (String, Bucket.Kind, String, SignedAmount) throws -> Void
  ) throws {
    try flushBalances()  // the query below reads the balances table
    guard point != .now else {
      try database.forEachRow(
        "SELECT a.holder, a.bucket, b.asset, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id WHERE b.amount <> '0'"
      ) { row in
        try body(
          row.text(0)!, try Self.kind(row.text(1)!), row.text(2)!, try Self.amount(row.text(3)!))
      }
      return
    }
    let balances = try accountBalances(at: point)
    var accounts: [Int64: (holder: String, kind: Bucket.Kind)] = [:]
    try database.forEachRow("SELECT id, holder, bucket FROM accounts") { row in
      accounts[row.integer(0)!] = (row.text(1)!, try Self.kind(row.text(2)!))
    }
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
    try flushBalances()  // the query below reads the balances table
    func bucket(_ row: Row, from first: Int) throws -> Bucket {
      guard
        let bucket = Bucket(
          kind: row.text(first)!, validator: row.text(first + 1)!, detail: row.text(first + 2)!)
      else {
        throw DatabaseError(
          resultCode: 11, message: "account of \(row.text(first - 1)!) has a malformed bucket")
      }
      return bucket
    }
    guard point != .now else {
      try database.forEachRow(
        """
        SELECT a.holder, a.bucket, a.validator, a.detail, m.asset, m.amount
        FROM balances m JOIN accounts a ON a.id = m.account_id
        """
      ) { row in
        let amount = try Self.amount(row.text(5) ?? "")
        if amount != .zero {
          try body(
            Account(holder: row.text(0)!, bucket: try bucket(row, from: 1)), row.text(4)!, amount)
        }
      }
      return
    }
    let balances = try accountBalances(at: point)
    var accounts: [Int64: Account] = [:]
    try database.forEachRow("SELECT id, holder, bucket, validator, detail FROM accounts") { row in
      accounts[row.integer(0)!] = Account(holder: row.text(1)!, bucket: try bucket(row, from: 2))
    }
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
    try flushBalances()  // the query below reads the balances table
    try database.forEachRow(
      """
      SELECT a.bucket, a.validator, a.detail, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE a.holder = ? AND b.asset = ? AND b.amount <> '0' ORDER BY a.bucket, a.validator, a.detail
      """, [.text(holder), .text(asset)]
    ) { row in
      guard let bucket = Bucket(kind: row.text(0)!, validator: row.text(1)!, detail: row.text(2)!)
      else {
        throw DatabaseError(resultCode: 11, message: "account of \(holder) has a malformed bucket")
      }
      try body(bucket, try Self.amount(row.text(3)!))
    }
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
    try flushBalances()  // the query below reads the balances table
    // A holder's accounts are adjacent in the accounts index (holder first): each balance row
    // is read in that order and summed here, which costs a third of GROUP BY with a summing
    // aggregate over a million holders (docs/benchmarks.md, proofs of liabilities).
    var current: String?
    var total: UInt128 = 0
    try database.forEachRow(
      """
      SELECT a.holder, b.amount FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE b.asset = ? AND a.holder NOT GLOB '@*' AND b.amount <> '0' ORDER BY a.holder
      """, [.text(asset)]
    ) { row in
      guard let holder = row.text(0), let text = row.text(1), let amount = UInt128(text) else {
        throw DatabaseError(resultCode: 11, message: "a holder balance of \(asset) is malformed")
      }
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

  static func kind(_ text: String) throws -> Bucket.Kind {
    guard let kind = Bucket.Kind(rawValue: text) else {
      throw DatabaseError(resultCode: 11, message: "unknown bucket kind '\(text.prefix(40))'")
    }
    return kind
  }

  static func amount(_ text: String) throws -> SignedAmount {
    guard let amount = SignedAmount(text: text) else {
      throw DatabaseError(resultCode: 11, message: "'\(text.prefix(60))' is not a stored amount")
    }
    return amount
  }

  /// SHA-256 over the sorted non-zero balances and allowances.
  func stateDigest() throws -> String {
    try flushBalances()  // the query below reads the balances table
    var lines: [[UInt8]] = []
    try database.forEachRow(
      """
      SELECT a.holder, a.bucket, a.validator, a.detail, b.asset, b.amount
      FROM balances b JOIN accounts a ON a.id = b.account_id WHERE b.amount <> '0'
      """
    ) { row in
      guard let bucket = Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!)
      else {
        throw DatabaseError(
          resultCode: 11, message: "account of \(row.text(0)!) has a malformed bucket")
      }
      lines.append(
        StateDigest.balanceLine(
          asset: row.text(4)!, account: Account(holder: row.text(0)!, bucket: bucket),
          amount: try Self.amount(row.text(5)!)))
    }
    try database.forEachRow(
      "SELECT asset, owner, spender, amount FROM allowances WHERE amount <> '0'"
    ) { row in
      guard let amount = AllowanceAmount(storedText: row.text(3)!) else {
        throw DatabaseError(resultCode: 11, message: "malformed allowance")
      }
      lines.append(
        StateDigest.allowanceLine(
          asset: row.text(0)!, owner: row.text(1)!, spender: row.text(2)!, amount: amount))
    }
    return StateDigest.digest(lines: lines)
  }
}
