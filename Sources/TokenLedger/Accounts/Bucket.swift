/// Where in a holder's balance an amount sits. A holder's balance is the sum of its buckets.
public enum Bucket: Sendable, Hashable, Codable {
  case available
  case staked(validator: String)
  case unbonding(validator: String, entry: String)
  case rewards(validator: String)
  case held(hold: String)

  /// The bucket's kind as stored in `accounts.bucket`.
  public var kind: Kind {
    switch self {
    case .available: .available
    case .staked: .staked
    case .unbonding: .unbonding
    case .rewards: .rewards
    case .held: .held
    }
  }

  /// The validator column (`''` where the bucket has none).
  var validatorColumn: String {
    switch self {
    case .staked(let validator), .unbonding(let validator, _), .rewards(let validator): validator
    case .available, .held: ""
    }
  }

  /// The detail column: the unbonding entry or hold id (`''` where the bucket has none).
  var detailColumn: String {
    switch self {
    case .unbonding(_, let entry): entry
    case .held(let hold): hold
    case .available, .staked, .rewards: ""
    }
  }

  /// Rebuilds a bucket from its stored columns; `nil` for a combination no code writes.
  init?(kind: String, validator: String, detail: String) {
    switch (Kind(rawValue: kind), validator.isEmpty, detail.isEmpty) {
    case (.available?, true, true): self = .available
    case (.staked?, false, true): self = .staked(validator: validator)
    case (.unbonding?, false, false): self = .unbonding(validator: validator, entry: detail)
    case (.rewards?, false, true): self = .rewards(validator: validator)
    case (.held?, true, false): self = .held(hold: detail)
    default: return nil
    }
  }

  /// A bucket without its validator, entry or hold: what `balance` sums by.
  public enum Kind: String, Sendable, CaseIterable, Codable {
    case available, staked, unbonding, rewards, held
  }
}

extension Bucket: CustomStringConvertible {
  /// `available`, `staked(V)`, `unbonding(V,E)`, `rewards(V)`, `held(H)`.
  public var description: String {
    switch self {
    case .available: "available"
    case .staked(let validator): "staked(\(validator))"
    case .unbonding(let validator, let entry): "unbonding(\(validator),\(entry))"
    case .rewards(let validator): "rewards(\(validator))"
    case .held(let hold): "held(\(hold))"
    }
  }
}
