/// An account's history, walked back from its balance now over the per-bucket links
/// (schema 0003): each balance row names the last entry that moved it and each posting links
/// back to the previous one.
extension Journal {
  /// Where the walk of one bucket starts: its balance now and the last entry that moved it.
  private struct HistoryStart {
    let account: Int64
    let bucket: Bucket
    let asset: String
    let last: Int64
    let balance: SignedAmount
  }

  /// One change of a bucket in one entry, with the balance after it.
  private struct HistoryItem {
    let order: Int64
    let bucket: Bucket
    let amount: SignedAmount
    let counterparty: Int64
    var balance = SignedAmount.zero
  }

  /// The bounds of a page: after an entry, within `[from, to)`.
  private struct HistoryBounds {
    let after: Int64?
    let limit: Int?
    let from: PointInTime?
    let to: PointInTime?

    /// Whether an entry is before `bound` (an entry without a height or time is before any
    /// bound of that kind).
    static func before(_ bound: PointInTime?, _ sequence: Int64, _ height: Int64?, _ time: Int64?)
      -> Bool
    {
      switch bound {
      case .sequence(let first)?: sequence < first
      case .height(let first)?: (height ?? Int64.min) < first
      case .time(let first)?: (time ?? Int64.min) < first.unixSeconds
      case .now?, nil: false
      }
    }

    func contains(_ sequence: Int64, _ height: Int64?, _ time: Int64?) -> Bool {
      guard !Self.before(from, sequence, height, time) else { return false }
      switch to {
      case .sequence(let end)?: return sequence < end
      case .height(let end)?: return height.map { $0 < end } ?? false
      case .time(let end)?: return time.map { $0 < end.unixSeconds } ?? false
      case .now?, nil: return true
      }
    }
  }

  /// The entries that moved any account of `holder` (in `asset`, or in any), oldest first:
  /// those after entry `after`, within `[from, to)` (a sequence, height or time; an entry
  /// without a height or time is outside any bound of that kind), at most `limit` of them.
  /// The walk costs one primary-key lookup an entry, and reads only the entries from the end
  /// of the history back to the start of the page. Walking back from the balance now gives
  /// each change's running balance exactly. Per asset the clock never goes back, so the walk
  /// stops at the first entry before `from`.
  func history(
    holder: String, asset: String?, after: Int64?, limit: Int?, from: PointInTime?,
    to: PointInTime?
  ) throws -> HistoryPage {
    try flushBalances()  // the query below reads the balances table
    let bounds = HistoryBounds(after: after, limit: limit, from: from, to: to)
    // By entry, then asset: an entry that moves several assets is one history row per asset,
    // so that no row adds amounts of two assets.
    var changes: [Int64: [String: [HistoryItem]]] = [:]
    // Whether some bucket has entries in range beyond the ones kept: the page is not the end.
    var more = false
    for start in try historyStarts(holder: holder, asset: asset) {
      let (visited, beyond) = try walkBack(start, holder: holder, bounds)
      more = more || beyond
      for (sequence, items) in visited {
        changes[sequence, default: [:]][start.asset, default: []] += items
      }
    }
    let sequences = changes.keys.sorted()
    let page = limit.map { Array(sequences.prefix($0)) } ?? sequences
    return HistoryPage(
      entries: try historyEntries(page, changes),
      next: page.count < sequences.count || more ? page.last : nil)
  }

  /// Every bucket of `holder` (in `asset`, or in any) with its balance now.
  private func historyStarts(holder: String, asset: String?) throws -> [HistoryStart] {
    var starts: [HistoryStart] = []
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
        HistoryStart(
          account: row.integer(0)!, bucket: bucket, asset: row.text(4)!,
          last: row.integer(5) ?? 0, balance: try Self.amount(row.text(6)!)))
    }
    return starts
  }

  /// One bucket's changes in range, newest entry first back to the page's start: at most
  /// `limit` entries kept (memory bounded by the page, not by the account's history), and
  /// whether there were more.
  private func walkBack(_ start: HistoryStart, holder: String, _ bounds: HistoryBounds) throws
    -> (visited: [(sequence: Int64, items: [HistoryItem])], more: Bool)
  {
    var sequence = start.last
    var balanceAfter = start.balance
    var visited: [(sequence: Int64, items: [HistoryItem])] = []
    var more = false
    while sequence > 0, sequence > (bounds.after ?? 0) {
      var (items, previous, clock) = try bucketChanges(start, at: sequence)
      guard let previous, previous >= 0, previous < sequence else {
        throw DatabaseError(
          resultCode: 11,
          message:
            "the history of \(holder) (\(start.bucket), \(start.asset)) is broken at entry \(sequence)"
        )
      }
      if HistoryBounds.before(bounds.from, sequence, clock.height, clock.time) { break }
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
      if bounds.contains(sequence, clock.height, clock.time) {
        visited.append((sequence, items))
        if let limit = bounds.limit, visited.count >= 2 * limit {
          visited.removeFirst(visited.count - limit)
          more = true
        }
      }
      sequence = previous
    }
    if let limit = bounds.limit, visited.count > limit {
      visited.removeFirst(visited.count - limit)
      more = true
    }
    return (visited, more)
  }

  /// The changes of `start`'s bucket in entry `sequence`, the entry before it that moved the
  /// bucket (its link), and the entry's clock.
  private func bucketChanges(_ start: HistoryStart, at sequence: Int64) throws -> (
    [HistoryItem], Int64?, (height: Int64?, time: Int64?)
  ) {
    var previous: Int64?
    var items: [HistoryItem] = []
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
          HistoryItem(
            order: index * 2, bucket: start.bucket, amount: amount.negated,
            counterparty: row.integer(2)!))
        previous = row.integer(4)
      }
      if row.integer(2) == start.account {
        items.append(
          HistoryItem(
            order: index * 2 + 1, bucket: start.bucket, amount: amount,
            counterparty: row.integer(1)!))
        previous = row.integer(5)
      }
    }
    return (items, previous, clock)
  }

  /// The page's entries, each asset of an entry its own row (the entry's own asset first),
  /// with the counterparties' accounts.
  private func historyEntries(_ page: [Int64], _ changes: [Int64: [String: [HistoryItem]]])
    throws -> [HistoryEntry]
  {
    var counterparties: Set<Int64> = []
    for sequence in page {
      for items in changes[sequence]!.values {
        counterparties.formUnion(items.map(\.counterparty))
      }
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
    return try page.flatMap { sequence in
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
  }
}
