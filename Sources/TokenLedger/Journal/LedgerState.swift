/// The reads the posting compiler needs, answered by the journal from the current
/// transaction's view of the database.
protocol LedgerState {
  func balance(_ account: Account, asset: String) throws -> SignedAmount
  func allowance(asset: String, owner: String, spender: String) throws -> AllowanceAmount
  func isPaused(_ asset: String) throws -> Bool
  func validator(asset: String, validator: String) throws -> ValidatorRecord?
  /// Every non-zero bucket of `kind` on `validator`, as (holder, bucket, amount).
  func buckets(asset: String, validator: String, kind: Bucket.Kind) throws -> [(
    account: Account, amount: Amount
  )]
  func openUnbondingCount(asset: String, delegator: String, validator: String) throws -> Int
  func hold(_ hold: String) throws -> HoldRecord?
  /// Sum of all holder buckets of the asset.
  func totalSupply(_ asset: String) throws -> Amount
  /// An asset's definition, nil when it is not defined.
  func assetDefinition(_ symbol: String) throws -> AssetDefinition?
  /// The alpha assets defined for subnet `netuid`.
  func subnetAssets(netuid: Int) throws -> [AssetDefinition]
  /// The one alpha asset of subnet `netuid` (`unknownAsset` or `invalidOperation` otherwise).
  func subnetAsset(netuid: Int, verb: String) throws -> AssetDefinition
}

/// An asset's clock after an operation: the latest height and time seen.
public struct Clock: Sendable, Equatable {
  /// The latest block height seen, if any.
  public var height: Int64?
  /// The latest time seen (Unix seconds), if any.
  public var time: Int64?

  /// A clock at a height and time.
  public init(height: Int64? = nil, time: Int64? = nil) {
    self.height = height
    self.time = time
  }
}
