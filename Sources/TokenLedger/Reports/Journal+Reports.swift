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

  /// The entries that moved any account of `holder` (in `asset`, or in any), oldest first:
  /// those after entry `after`, within `[from, to)` (a sequence, height or time; an entry
  /// without a height or time is outside any bound of that kind), at most `limit` of them.
  /// Each balance row names the last entry that moved it and each posting links back to the
  /// previous one (schema 0003), so the walk costs one primary-key lookup an entry, and reads
  /// only the entries from the end of the history back to the start of the page. Walking back
  /// from the balance now gives each change's running balance exactly. Per asset the clock
  /// never goes back, so the walk stops at the first entry before `from`.
  func history(
    holder: String, asset: String?, after: Int64?, limit: Int?, from: PointInTime?,
    to: PointInTime?
  ) throws -> HistoryPage {
    try flushBalances()  // the query below reads the balances table
    struct Start {
      let account: Int64
      let bucket: Bucket
      let asset: String
      let last: Int64
      let balance: SignedAmount
    }
    var starts: [Start] = []
    try database.forEachRow(
      """
      SELECT a.id, a.bucket, a.validator, a.detail, b.asset, b.last_entry, b.amount
      FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.holder = ? AND (CAST(? AS TEXT) IS NULL OR b.asset = ?)
      """, [.text(holder), SQLValue(asset), SQLValue(asset)]
    ) { row in
      guard let bucket = Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!)
      else {
        throw DatabaseError(resultCode: 11, message: "account of \(holder) has a malformed bucket")
      }
      starts.append(
        Start(
          account: row.integer(0)!, bucket: bucket, asset: row.text(4)!,
          last: row.integer(5) ?? 0, balance: try Self.amount(row.text(6)!)))
    }
    func before(_ bound: PointInTime?, _ sequence: Int64, _ height: Int64?, _ time: Int64?)
      -> Bool
    {
      switch bound {
      case .sequence(let first)?: sequence < first
      case .height(let first)?: (height ?? Int64.min) < first
      case .time(let first)?: (time ?? Int64.min) < first.unixSeconds
      case .now?, nil: false
      }
    }
    func inRange(_ sequence: Int64, _ height: Int64?, _ time: Int64?) -> Bool {
      guard !before(from, sequence, height, time) else { return false }
      switch to {
      case .sequence(let end)?: return sequence < end
      case .height(let end)?: return height.map { $0 < end } ?? false
      case .time(let end)?: return time.map { $0 < end.unixSeconds } ?? false
      case .now?, nil: return true
      }
    }
    struct Item {
      let order: Int64
      let bucket: Bucket
      let amount: SignedAmount
      let counterparty: Int64
      var balance = SignedAmount.zero
    }
    // By entry, then asset: an entry that moves several assets is one history row per asset,
    // so that no row adds amounts of two assets.
    var changes: [Int64: [String: [Item]]] = [:]
    // Whether some bucket has entries in range beyond the ones kept: the page is not the end.
    var more = false
    for start in starts {
      var sequence = start.last
      var balanceAfter = start.balance
      // The walk goes from the newest entry back; a page is the oldest `limit` entries in
      // range, so only the last `limit` visited are kept (memory bounded by the page, not by
      // the account's history).
      var visited: [(sequence: Int64, items: [Item])] = []
      while sequence > 0, sequence > (after ?? 0) {
        var previous: Int64?
        var items: [Item] = []
        var clock: (height: Int64?, time: Int64?) = (nil, nil)
        try database.forEachRow(
          """
          SELECT p.posting_index, p.from_account, p.to_account, p.amount, p.from_previous,
            p.to_previous, e.height, e.time
          FROM postings p JOIN entries e ON e.seq = p.entry_seq
          WHERE p.entry_seq = ? AND p.asset = ?
          """, [.integer(sequence), .text(start.asset)]
        ) { row in
          let index = row.integer(0)!
          let amount = try Self.amount(row.text(3)!)
          clock = (row.integer(6), row.integer(7))
          if row.integer(1) == start.account {
            items.append(
              Item(
                order: index * 2, bucket: start.bucket, amount: amount.negated,
                counterparty: row.integer(2)!))
            previous = row.integer(4)
          }
          if row.integer(2) == start.account {
            items.append(
              Item(
                order: index * 2 + 1, bucket: start.bucket, amount: amount,
                counterparty: row.integer(1)!))
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
        if before(from, sequence, clock.height, clock.time) { break }
        // Running balances: the balance after the entry, less the later changes within it.
        items.sort { $0.order < $1.order }
        var balance = balanceAfter
        for index in items.indices.reversed() {
          items[index].balance = balance
          guard let earlier = balance.adding(items[index].amount.negated) else {
            throw DatabaseError(
              resultCode: 11, message: "the running balance of \(holder) overflows at \(sequence)")
          }
          balance = earlier
        }
        balanceAfter = balance
        if inRange(sequence, clock.height, clock.time) {
          visited.append((sequence, items))
          if let limit, visited.count >= 2 * limit {
            visited.removeFirst(visited.count - limit)
            more = true
          }
        }
        sequence = previous
      }
      if let limit, visited.count > limit {
        visited.removeFirst(visited.count - limit)
        more = true
      }
      for (sequence, items) in visited {
        changes[sequence, default: [:]][start.asset, default: []] += items
      }
    }
    var counterparties: Set<Int64> = []
    for byAsset in changes.values {
      for items in byAsset.values { counterparties.formUnion(items.map(\.counterparty)) }
    }
    var accounts: [Int64: Account] = [:]
    for id in counterparties {
      accounts[id] =
        try database.firstRow(
          "SELECT holder, bucket, validator, detail FROM accounts WHERE id = ?", [.integer(id)]
        ) { row in
          Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!).map {
            Account(holder: row.text(0)!, bucket: $0)
          }
        } ?? nil
    }
    let decimals = try allAssets().reduce(into: [String: Int]()) { $0[$1.symbol] = $1.decimals }
    let sequences = changes.keys.sorted()
    let page = limit.map { Array(sequences.prefix($0)) } ?? sequences
    let entries = try page.flatMap { sequence in
      let byAsset = changes[sequence]!
      guard
        let entry = try database.firstRow(
          "SELECT kind, \(StoredId.textSQL("idempotency_id")), height, time, asset FROM entries WHERE seq = ?",
          [.integer(sequence)],
          { ($0.text(0)!, $0.text(1), $0.integer(2), $0.integer(3), $0.text(4)) })
      else {
        throw DatabaseError(resultCode: 11, message: "postings of missing entry \(sequence)")
      }
      guard let kind = EntryKind(rawValue: entry.0) else {
        throw DatabaseError(
          resultCode: 11, message: "entry \(sequence) has an unknown kind '\(entry.0.prefix(40))'")
      }
      // The entry's own asset first, then the others it moved by symbol.
      let assets = byAsset.keys.sorted {
        ($0 == entry.4 ? 0 : 1, $0) < ($1 == entry.4 ? 0 : 1, $1)
      }
      return try assets.map { asset in
        HistoryEntry(
          sequence: sequence, kind: kind, idempotencyId: entry.1, asset: asset,
          height: entry.2, time: entry.3,
          changes: try byAsset[asset]!.sorted { $0.order < $1.order }.map { change in
            guard let counterparty = accounts[change.counterparty] else {
              throw DatabaseError(
                resultCode: 11, message: "entry \(sequence) names a missing account")
            }
            return HistoryChange(
              bucket: change.bucket, amount: change.amount, counterparty: counterparty,
              balance: change.balance)
          },
          decimals: decimals[asset] ?? 0)
      }
    }
    return HistoryPage(
      entries: entries, next: page.count < sequences.count || more ? page.last : nil)
  }
}
