/// Set-wise reads for reports: balances now or at a point in time, history, the state digest.
extension Journal {
  /// Calls `body` with every non-zero (holder, bucket kind, asset, amount), from the
  /// materialized balances (`.now`) or summed from the postings up to a point.
  func forEachBalance(
    at point: PointInTime, _ body: (String, Bucket.Kind, String, SignedAmount) throws -> Void
  ) throws {
    try flushBalances()  // the query below reads the balances table
    let filter: (sql: String, value: SQLValue)? =
      switch point {
      case .now: nil
      case .sequence(let sequence): ("e.seq <= ?", .integer(sequence))
      case .height(let height): ("(e.height IS NULL OR e.height <= ?)", .integer(height))
      case .time(let time): ("(e.time IS NULL OR e.time <= ?)", .integer(time))
      }
    guard let filter else {
      try database.forEachRow(
        "SELECT a.holder, a.bucket, b.asset, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id WHERE b.amount <> '0'"
      ) { row in
        try body(
          row.text(0)!, try Self.kind(row.text(1)!), row.text(2)!, try Self.amount(row.text(3)!))
      }
      return
    }
    // Each posting counts minus on its source and plus on its destination; amount_sum adds
    // the signed texts exactly in SQL.
    try database.forEachRow(
      """
      SELECT a.holder, a.bucket, m.asset, amount_sum(m.amount) FROM (
        SELECT p.from_account AS account, p.asset, '-' || p.amount AS amount FROM postings p
          JOIN entries e ON e.seq = p.entry_seq WHERE \(filter.sql)
        UNION ALL
        SELECT p.to_account, p.asset, p.amount FROM postings p
          JOIN entries e ON e.seq = p.entry_seq WHERE \(filter.sql)
      ) m JOIN accounts a ON a.id = m.account GROUP BY m.account, m.asset
      """, [filter.value, filter.value]
    ) { row in
      let amount = try Self.amount(row.text(3)!)
      if amount != .zero {
        try body(row.text(0)!, try Self.kind(row.text(1)!), row.text(2)!, amount)
      }
    }
  }

  /// Calls `body` with every non-zero balance by full account (validator, entry and hold kept
  /// apart), materialized for `.now`, summed from the postings up to a point otherwise.
  func forEachBucketBalance(
    at point: PointInTime, _ body: (Account, String, SignedAmount) throws -> Void
  ) throws {
    try flushBalances()  // the query below reads the balances table
    let (filter, value) = Ledger.entryFilter(point)
    let source =
      point == .now
      ? "SELECT account_id, asset, amount FROM balances"
      : """
      SELECT account, asset, amount_sum(amount) AS amount FROM (
        SELECT p.from_account AS account, p.asset, '-' || p.amount AS amount FROM postings p
          JOIN entries e ON e.seq = p.entry_seq WHERE \(filter)
        UNION ALL
        SELECT p.to_account, p.asset, p.amount FROM postings p
          JOIN entries e ON e.seq = p.entry_seq WHERE \(filter)
      ) GROUP BY account, asset
      """
    let values: [SQLValue] = point == .now ? [] : [value, value]
    try database.forEachRow(
      """
      SELECT a.holder, a.bucket, a.validator, a.detail, m.asset, m.amount
      FROM (\(source)) m JOIN accounts a ON a.id = m.\(point == .now ? "account_id" : "account")
      """, values
    ) { row in
      guard let bucket = Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!)
      else {
        throw DatabaseError(
          resultCode: 11, message: "account of \(row.text(0)!) has a malformed bucket")
      }
      let amount = try Self.amount(row.text(5) ?? "")
      if amount != .zero {
        try body(Account(holder: row.text(0)!, bucket: bucket), row.text(4)!, amount)
      }
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
    try database.forEachRow(
      """
      SELECT a.holder, amount_sum(b.amount) FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE b.asset = ? AND a.holder NOT GLOB '@*' AND b.amount <> '0' GROUP BY a.holder
      """, [.text(asset)]
    ) { row in
      guard let holder = row.text(0), let total = try Self.amount(row.text(1) ?? "").amount else {
        throw DatabaseError(resultCode: 11, message: "a holder total of \(asset) is malformed")
      }
      if !total.isZero { try body(holder, total.baseUnits) }
    }
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

  /// The entries that moved any account of `holder` (in `asset`, or in any), oldest first.
  /// Each balance row names the last entry that moved it and each posting links back to the
  /// previous one (schema 0003), so the walk costs one primary-key lookup an entry whatever
  /// the size of the journal.
  func history(holder: String, asset: String?) throws -> [HistoryEntry] {
    try flushBalances()  // the query below reads the balances table
    var starts: [(account: Int64, bucket: Bucket, asset: String, last: Int64)] = []
    try database.forEachRow(
      """
      SELECT a.id, a.bucket, a.validator, a.detail, b.asset, b.last_entry
      FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.holder = ? AND (? IS NULL OR b.asset = ?)
      """, [.text(holder), SQLValue(asset), SQLValue(asset)]
    ) { row in
      guard let bucket = Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!)
      else {
        throw DatabaseError(resultCode: 11, message: "account of \(holder) has a malformed bucket")
      }
      starts.append((row.integer(0)!, bucket, row.text(4)!, row.integer(5) ?? 0))
    }
    // Changes by entry, each tagged with its posting (and side: the source first) for order.
    var changes:
      [Int64: (asset: String, items: [(order: Int64, bucket: Bucket, amount: SignedAmount)])] =
        [:]
    for start in starts {
      var sequence = start.last
      while sequence > 0 {
        var previous: Int64?
        try database.forEachRow(
          """
          SELECT posting_index, from_account, to_account, amount, from_previous, to_previous
          FROM postings WHERE entry_seq = ? AND asset = ?
          """, [.integer(sequence), .text(start.asset)]
        ) { row in
          let index = row.integer(0)!
          let amount = try Self.amount(row.text(3)!)
          if row.integer(1) == start.account {
            changes[sequence, default: (start.asset, [])].items.append(
              (index * 2, start.bucket, amount.negated))
            previous = row.integer(4)
          }
          if row.integer(2) == start.account {
            changes[sequence, default: (start.asset, [])].items.append(
              (index * 2 + 1, start.bucket, amount))
            previous = row.integer(5)
          }
        }
        guard let previous, previous >= 0, previous < sequence else {
          throw DatabaseError(
            resultCode: 11,
            message:
              "the history of \(holder) (\(start.bucket), \(start.asset)) is broken at entry \(sequence)"
          )
        }
        sequence = previous
      }
    }
    let decimals = try allAssets().reduce(into: [String: Int]()) { $0[$1.symbol] = $1.decimals }
    return try changes.keys.sorted().map { sequence in
      let item = changes[sequence]!
      guard
        let entry = try database.firstRow(
          "SELECT kind, idempotency_id, height, time FROM entries WHERE seq = ?",
          [.integer(sequence)], { ($0.text(0)!, $0.text(1), $0.integer(2), $0.integer(3)) })
      else {
        throw DatabaseError(resultCode: 11, message: "postings of missing entry \(sequence)")
      }
      return HistoryEntry(
        sequence: sequence, kind: entry.0, idempotencyId: entry.1, asset: item.asset,
        height: entry.2, time: entry.3,
        changes: item.items.sorted { $0.order < $1.order }.map {
          (bucket: $0.bucket, amount: $0.amount)
        },
        decimals: decimals[item.asset] ?? 0)
    }
  }
}
