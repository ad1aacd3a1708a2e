/// An account's history, walked back from its balance now over the per-bucket links
/// (schema 0003): each balance row names the last entry that moved it and each posting links
/// back to the previous one.
extension LedgerSnapshot {
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
    try database.balanceRows(holder: holder, asset: asset).map { row in
      HistoryStart(
        account: row.account, bucket: row.bucket, asset: row.asset, last: row.lastEntry,
        balance: row.amount)
    }
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
    try database.forEachPosting(ofEntry: sequence, asset: start.asset) { posting in
      clock = (posting.height, posting.time)
      if posting.from == start.account {
        items.append(
          HistoryItem(
            order: posting.index * 2, bucket: start.bucket, amount: posting.amount.negated,
            counterparty: posting.to))
        previous = posting.fromPrevious
      }
      if posting.to == start.account {
        items.append(
          HistoryItem(
            order: posting.index * 2 + 1, bucket: start.bucket, amount: posting.amount,
            counterparty: posting.from))
        previous = posting.toPrevious
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
      accounts[id] = try database.accountIfWellFormed(id: id)
    }
    let decimals = try allAssets().reduce(into: [String: Int]()) { $0[$1.symbol] = $1.decimals }
    return try page.flatMap { sequence in
      let byAsset = changes[sequence]!
      guard
        let entry = try database.entryHeader(sequence)
      else {
        throw DatabaseError(resultCode: 11, message: "postings of missing entry \(sequence)")
      }
      guard let kind = EntryKind(rawValue: entry.kind) else {
        throw DatabaseError(
          resultCode: 11,
          message: "entry \(sequence) has an unknown kind '\(entry.kind.prefix(40))'")
      }
      let assets = byAsset.keys.sorted {
        ($0 == entry.asset ? 0 : 1, $0) < ($1 == entry.asset ? 0 : 1, $1)
      }
      return try assets.map { asset in
        HistoryEntry(
          sequence: sequence, kind: kind, idempotencyId: entry.id, asset: asset,
          height: entry.height, time: entry.time,
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
