/// A validator (Cosmos valoper, Bittensor hotkey) of one asset, and who receives its commission.
public struct ValidatorRecord: Sendable, Equatable {
  public let asset: String
  public let validator: String
  public let operatorAddress: String
  public let commission: Rate
  /// When the commission last changed (UTC Unix seconds), for the asset's change-interval rule.
  public let commissionChangedTime: Int64?
  /// The validator's own limits (Cosmos `max_rate`, `max_change_rate`), if it has them.
  public var maxRate: Rate? = nil
  public var maxChangeRate: Rate? = nil
}

/// One undelegation waiting for its unbonding period to pass.
public struct UnbondingRecord: Sendable, Equatable {
  public let asset: String
  public let delegator: String
  public let validator: String
  public let entry: String
  public let maturesTime: Int64

  var bucket: Account {
    Account(holder: delegator, bucket: .unbonding(validator: validator, entry: entry))
  }
}
