/// A validator (Cosmos valoper, Bittensor hotkey) of one asset, and who receives its commission.
public struct ValidatorRecord: Sendable, Equatable {
  /// The asset staked.
  public let asset: String
  /// The validator's address (valoper, hotkey).
  public let validator: String
  /// Who receives its commission.
  public let operatorAddress: String
  /// Its commission rate now.
  public let commission: Rate
  /// When the commission last changed (UTC Unix seconds), for the asset's change-interval rule.
  public let commissionChangedTime: Int64?
  /// The validator's own limits (Cosmos `max_rate`, `max_change_rate`), if it has them.
  public var maxRate: Rate? = nil
  /// Its own limit on a change of commission, if it has one.
  public var maxChangeRate: Rate? = nil
}

/// One undelegation waiting for its unbonding period to pass.
public struct UnbondingRecord: Sendable, Equatable {
  /// The asset staked.
  public let asset: String
  /// Who undelegated.
  public let delegator: String
  /// The validator's address (valoper, hotkey).
  public let validator: String
  /// The unbonding entry's key (the sequence of the entry that opened it).
  public let entry: String
  /// When it returns to available (Unix seconds).
  public let maturesTime: Int64

  var bucket: Account {
    Account(holder: delegator, bucket: .unbonding(validator: validator, entry: entry))
  }
}
