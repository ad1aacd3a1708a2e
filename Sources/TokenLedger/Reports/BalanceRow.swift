/// One holder's balance of one asset, bucket by bucket (amounts summed over validators, entries
/// and holds), as `balance` shows it.
public struct BalanceRow: Sendable, Equatable, Codable {
  /// The holder.
  public let account: String
  /// The asset's symbol.
  public let asset: String
  /// The asset's decimals, to format amounts.
  public let decimals: Int
  /// Spendable.
  public var available = SignedAmount.zero
  /// Staked, over every validator.
  public var staked = SignedAmount.zero
  /// Unbonding, over every validator and entry.
  public var unbonding = SignedAmount.zero
  /// Pending rewards, over every validator.
  public var rewards = SignedAmount.zero
  /// Reserved by open holds.
  public var held = SignedAmount.zero

  /// Every bucket together.
  public var total: SignedAmount {
    [staked, unbonding, rewards, held].reduce(available) { $0.adding($1) ?? $0 }
  }

  /// The sum of one bucket kind.
  public func amount(_ kind: Bucket.Kind) -> SignedAmount {
    switch kind {
    case .available: available
    case .staked: staked
    case .unbonding: unbonding
    case .rewards: rewards
    case .held: held
    }
  }

  mutating func add(_ amount: SignedAmount, to kind: Bucket.Kind) {
    func sum(_ current: SignedAmount) -> SignedAmount {
      guard let next = current.adding(amount) else {
        preconditionFailure("bucket sums are bounded by the total supply")
      }
      return next
    }
    switch kind {
    case .available: available = sum(available)
    case .staked: staked = sum(staked)
    case .unbonding: unbonding = sum(unbonding)
    case .rewards: rewards = sum(rewards)
    case .held: held = sum(held)
    }
  }

  /// Token-unit text of a bucket, or of the total.
  public func formatted(_ kind: Bucket.Kind?) -> String {
    (kind.map { amount($0) } ?? total).formatted(decimals: decimals)
  }
}

/// Which state a report shows: the current one, or the state after an entry, a block height
/// or a time, computed from the journal's postings.
public enum PointInTime: Sendable, Equatable, Codable {
  case now
  case sequence(Int64)
  case height(Int64)
  case time(LedgerTime)
}

/// One entry of an account's history.
public struct HistoryEntry: Sendable, Equatable, Codable {
  /// The entry's sequence number.
  public let sequence: Int64
  /// What wrote the entry.
  public let kind: EntryKind
  /// The operation's id, if it had one.
  public let idempotencyId: String?
  /// The asset's symbol.
  public let asset: String
  /// The asset's block height after the entry, if known.
  public let height: Int64?
  /// The asset's clock after the entry, in Unix seconds (UTC), as the journal keeps it;
  /// ``date`` is the same instant as a `Date`.
  public let time: Int64?
  /// The changes to the account in this entry, one per posting side, in posting order.
  public let changes: [HistoryChange]
  /// The asset's decimals, to format amounts.
  public let decimals: Int
}

/// One posting's effect on an account: the bucket it moved, by how much, from or to whom, and
/// the bucket's balance right after it.
public struct HistoryChange: Sendable, Equatable, Codable {
  /// The holder's bucket that moved.
  public let bucket: Bucket
  /// Positive into the bucket, negative out of it.
  public let amount: SignedAmount
  /// The posting's other side: another holder, a system account, or another bucket of the
  /// same holder.
  public let counterparty: Account
  /// The bucket's balance after this change.
  public let balance: SignedAmount
}

/// A page of history, oldest first; `next` continues it (pass it as `after`), `nil` at the end.
public struct HistoryPage: Sendable, Equatable, Codable {
  /// The page's entries, oldest first.
  public let entries: [HistoryEntry]
  /// The `after` of the next page; nil when this page ends the history.
  public let next: Int64?
}
