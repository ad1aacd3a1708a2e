extension Ledger {
  /// Balances per holder and asset, bucket by bucket. System accounts are listed only when
  /// asked for by name. Zero rows are left out.
  public func balances(
    account: String? = nil, asset: String? = nil, at point: PointInTime = .now
  ) throws -> [BalanceRow] {
    try read { journal in
      try Self.requireEntry(point, journal)
      var rows: [String: BalanceRow] = [:]
      var order: [String] = []
      let decimals = try journal.allAssets().reduce(into: [String: Int]()) {
        $0[$1.symbol] = $1.decimals
      }
      try LedgerSnapshot(journal).forEachBalance(at: point) { holder, bucket, symbol, amount in
        guard account == nil || holder == account, asset == nil || symbol == asset,
          account != nil || !holder.hasPrefix("@")
        else { return }
        let key = "\(holder)\u{0}\(symbol)"
        if rows[key] == nil {
          rows[key] = BalanceRow(account: holder, asset: symbol, decimals: decimals[symbol] ?? 0)
          order.append(key)
        }
        rows[key]!.add(amount, to: bucket)
      }
      return order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { key in
        let row = rows[key]!
        return Bucket.Kind.allCases.allSatisfy({ row.amount($0) == .zero }) ? nil : row
      }
    }
  }

  /// Every bucket balance of one holder (validators, entries and holds kept apart).
  public func buckets(account: String, asset: String) throws -> [(
    bucket: Bucket, amount: SignedAmount
  )] {
    try read { journal in
      var result: [(bucket: Bucket, amount: SignedAmount)] = []
      try LedgerSnapshot(journal).forEachBucket(holder: account, asset: asset) {
        result.append(($0, $1))
      }
      return result
    }
  }

  /// The total supply of an asset: the sum of its holder buckets.
  public func totalSupply(asset: String) throws -> Amount {
    try read { try $0.totalSupply(asset) }
  }

  /// An allowance (zero when never approved).
  public func allowance(asset: String, owner: String, spender: String) throws -> AllowanceAmount {
    try read { try $0.allowance(asset: asset, owner: owner, spender: spender) }
  }

  /// A registered asset's definition.
  public func asset(_ symbol: String) throws -> AssetDefinition? {
    try read { try $0.assetDefinition(symbol) }
  }

  /// A point at an entry must name one: a sequence past the head is an error, not "now".
  static func requireEntry(_ point: PointInTime, _ journal: Journal) throws {
    guard case .sequence(let sequence) = point else { return }
    let head = try journal.head().sequence
    guard (0...head).contains(sequence) else {
      throw LedgerError(
        .invalidOperation, "entry \(sequence) does not exist: the journal has \(head) entries")
    }
  }

  /// A registered asset's definition, or `unknownAsset` naming the close one if there is.
  public func requireAsset(_ symbol: String) throws -> AssetDefinition {
    try read { journal in
      if let definition = try journal.assetDefinition(symbol) { return definition }
      let hint = Suggestion.hint(for: symbol, among: try journal.allAssets().map(\.symbol))
      throw LedgerError(.unknownAsset, "unknown asset '\(symbol.truncatedForMessage)'\(hint)")
    }
  }

  /// Normalizes an address as an asset's scheme does (so `0xabc…` finds the EIP-55 account).
  /// Without an asset, the first registered scheme that accepts it. A text that no scheme
  /// accepts is `invalidAddress`, an unknown asset `unknownAsset`: never an empty answer to
  /// a question that was misspelled.
  public func canonicalAccount(_ text: String, asset: String?) throws -> String {
    if text.hasPrefix("@") { return text }
    let schemes = try asset.map { [try requireAsset($0)] } ?? read { try $0.allAssets() }
    var reasons: [String] = []
    for definition in schemes {
      do {
        return try definition.addressScheme.normalize(text)
      } catch {
        reasons.append("\(definition.symbol): \(error.message)")
      }
    }
    guard let first = reasons.first else {
      throw LedgerError(
        .invalidAddress, "'\(text.truncatedForMessage)' names no account: the ledger has no asset")
    }
    throw LedgerError(.invalidAddress, reasons.count == 1 ? first : reasons.joined(separator: "; "))
  }

  /// The number of entries, the head hash, and the state digest, read together.
  public func summary() throws -> LedgerSummary {
    try read { journal in
      let head = try journal.head()
      return LedgerSummary(
        entries: head.sequence, headHash: head.hash,
        stateDigest: try LedgerSnapshot(journal).stateDigest())
    }
  }

  /// The entries that moved money into or out of an account, oldest first.
  public func history(account: String, asset: String? = nil) throws -> [HistoryEntry] {
    try historyPage(account: account, asset: asset).entries
  }

  /// A page of an account's history, oldest first: the entries after `after` (a sequence),
  /// within `[from, to)` (a sequence, block height or time), at most `limit` entries. An entry
  /// that moved several of the account's assets is one ``HistoryEntry`` per asset (its own
  /// asset first), counted once and never split between pages. Each change names its
  /// counterparty and the bucket's balance after it. Pass the page's `next` as
  /// `after` for the following page; pages are stable while the ledger grows.
  public func historyPage(
    account: String, asset: String? = nil, after: Int64? = nil, limit: Int? = nil,
    from: PointInTime? = nil, to: PointInTime? = nil
  ) throws -> HistoryPage {
    precondition(limit.map { $0 > 0 } ?? true, "a page holds at least one entry")
    return try read {
      try LedgerSnapshot($0).history(
        holder: account, asset: asset, after: after, limit: limit, from: from, to: to)
    }
  }
}

extension Ledger {
  /// The symbols of every registered asset, sorted.
  public func assetSymbols() throws -> [String] {
    try read { try $0.allAssets().map(\.symbol) }
  }
}

extension Ledger {
  /// Rewards earned, claimed and slashed per period, holder and validator, for one asset.
  /// `from` is inclusive and `to` exclusive; with either, entries written before the asset's
  /// clock had a time are left out. `holder` keeps one holder's rows (an operator's commission
  /// is its own), `validator` one validator's. With `valueIn` (an asset or an ISO 4217 code)
  /// each row's earned rewards are also valued, each reward at the last `price` at or before
  /// its own time (``StatementValue``); what has no price is counted as unpriced.
  public func rewardStatement(
    asset: String, holder: String? = nil, validator: String? = nil, from: LedgerTime? = nil,
    to: LedgerTime? = nil, by period: StatementPeriod = .month, valueIn unit: String? = nil
  ) throws -> RewardStatement {
    _ = try requireAsset(asset)
    return try snapshot {
      try $0.rewardStatement(
        asset: asset, holder: holder, validator: validator, from: from?.unixSeconds,
        to: to?.unixSeconds, by: period, valueIn: unit)
    }
  }

  /// The statement of one calendar period (`.month(3, year: 2024)`), its rows labelled by
  /// that period's granularity unless `by` says finer.
  public func rewardStatement(
    asset: String, holder: String? = nil, validator: String? = nil, in period: CalendarPeriod,
    by granularity: StatementPeriod? = nil, valueIn unit: String? = nil
  ) throws -> RewardStatement {
    guard let start = period.start else {
      throw LedgerError(.invalidOperation, "rewardStatement: \(period) is not a calendar period")
    }
    return try rewardStatement(
      asset: asset, holder: holder, validator: validator, from: start, to: period.end,
      by: granularity ?? period.granularity, valueIn: unit)
  }
}
