/// One holder's balance of one asset, bucket by bucket (amounts summed over validators, entries
/// and holds), as `balance` shows it.
public struct BalanceRow: Sendable, Equatable, Codable {
  public let account: String
  public let asset: String
  public let decimals: Int
  public var available = SignedAmount.zero
  public var staked = SignedAmount.zero
  public var unbonding = SignedAmount.zero
  public var rewards = SignedAmount.zero
  public var held = SignedAmount.zero

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
  case time(Int64)
}

/// One entry of an account's history.
public struct HistoryEntry: Sendable, Equatable, Codable {
  public let sequence: Int64
  public let kind: EntryKind
  public let idempotencyId: String?
  public let asset: String
  public let height: Int64?
  /// The asset's clock after the entry, in Unix seconds (UTC), as the journal keeps it;
  /// ``date`` is the same instant as a `Date`.
  public let time: Int64?
  /// The changes to the account in this entry, one per posting side, in posting order.
  public let changes: [HistoryChange]
  public let decimals: Int
}

/// One posting's effect on an account: the bucket it moved, by how much, from or to whom, and
/// the bucket's balance right after it.
public struct HistoryChange: Sendable, Equatable, Codable {
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
  public let entries: [HistoryEntry]
  public let next: Int64?
}
