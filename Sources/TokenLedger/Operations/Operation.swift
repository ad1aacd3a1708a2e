/// One user-level verb with its normalized arguments: addresses in canonical form, amounts in
/// base units. Built by decoding a JSON object (``Operation/decode(_:context:allowExpectError:)``); compiled
/// into postings by the ledger's posting compiler.
public struct Operation: Sendable, Equatable {
  /// The idempotency key: an operation whose id was seen before is a no-op when equal to the
  /// first and `duplicateId` otherwise.
  public var id: String?
  /// The block height the operation happened at, if known.
  public var height: Int64?
  /// The UTC Unix seconds the operation happened at, if known.
  public var time: Int64?
  /// The verb and its arguments.
  public var action: Action

  /// An operation.
  public init(id: String? = nil, height: Int64? = nil, time: Int64? = nil, action: Action) {
    self.id = id
    self.height = height
    self.time = time
    self.action = action
  }

  /// An operation at `time` (``LedgerTime``: from Unix seconds, a `Date` or RFC 3339 text).
  public init(id: String? = nil, height: Int64? = nil, at time: LedgerTime?, action: Action) {
    self.init(id: id, height: height, time: time?.unixSeconds, action: action)
  }

  /// The verbs of `contract.md`.
  public enum Action: Sendable, Equatable {
    case defineAsset(AssetDefinition)
    case mint(asset: String, to: String, amount: Amount)
    /// An imported history's opening balance: drawn from `@external`, not minted, because the
    /// tokens existed before the history begins.
    case openingBalance(asset: String, to: String, amount: Amount)
    /// An opening balance in a staking bucket, as a chain's state holds it: a stake, an
    /// unbonding entry maturing at a given time, or pending rewards (a validator's accumulated
    /// commission is its operator's rewards on it). Drawn from `@external`, like
    /// `openingBalance`, which is also its `op` name (with `bucket` and `validator`).
    case openingPosition(asset: String, to: String, amount: Amount, position: OpeningPosition)
    case burn(asset: String, from: String, amount: Amount)
    case transfer(asset: String, from: String, to: String, amount: Amount)
    case approve(asset: String, owner: String, spender: String, amount: AllowanceAmount)
    case transferFrom(asset: String, spender: String, from: String, to: String, amount: Amount)
    /// Spends the allowance, then burns (OpenZeppelin `ERC20Burnable.burnFrom`, FET's contract).
    case burnFrom(asset: String, spender: String, from: String, amount: Amount)
    case setPaused(asset: String, paused: Bool)
    /// Advances one asset's clock, or every asset's when `asset` is nil (time only).
    case tick(asset: String?)
    /// `maxRate` and `maxChangeRate` are the validator's own commission limits (Cosmos keeps
    /// them per validator, fixed at creation); absent, the asset's rules alone apply.
    case registerValidator(
      asset: String, validator: String, operator: String, commission: Rate, maxRate: Rate? = nil,
      maxChangeRate: Rate? = nil)
    case delegate(asset: String, delegator: String, validator: String, amount: Amount)
    case undelegate(asset: String, delegator: String, validator: String, amount: Amount)
    case redelegate(asset: String, delegator: String, from: String, to: String, amount: Amount)
    case reward(asset: String, validator: String, amount: Amount)
    case claim(asset: String, delegator: String, validator: String)
    case slash(asset: String, validator: String, fraction: Rate)
    /// Pays `amount` from `from` (a system account, or a holder) to many recipients pro rata
    /// to their weights, split exactly as a reward; a recipient that is a validator passes
    /// its part through `reward` (its take, then its delegators).
    case distribute(asset: String, from: String, amount: Amount, shares: [Share])
    case hold(
      asset: String, from: String, to: String, amount: Amount, hold: String, expires: Int64?)
    case settle(hold: String, amount: Amount?)
    case void(hold: String)
    /// A trader gives one asset to a pool (a system account) and gets another from it, with an
    /// optional fee to `@fees`: one entry, each asset balanced on its own.
    case swap(pool: String, trader: String, give: AssetAmount, get: AssetAmount, fee: AssetAmount?)
    /// A holder's amount of one asset becomes another at a fixed rate (target units per source
    /// unit): burned from the first supply, minted into the second, rounded down.
    case convert(holder: String, from: AssetAmount, to: String, rate: ExactDecimal)
    /// TAO swapped into a subnet's alpha, staked on a hotkey (the chain's `StakeAdded`):
    /// `tao` spent in all, `fee` of it charged, `alpha` received.
    case stakeIntoSubnet(
      coldkey: String, hotkey: String, netuid: Int, tao: Amount, alpha: Amount, fee: Amount)
    /// Alpha unstaked from a hotkey and swapped back (`StakeRemoved`): `alpha` given, `tao`
    /// received, `fee` charged besides.
    case unstakeFromSubnet(
      coldkey: String, hotkey: String, netuid: Int, alpha: Amount, tao: Amount, fee: Amount)
    /// Alpha stake moved to another hotkey or subnet (`StakeMoved`): across subnets an unstake
    /// and a stake through `tao` (of which `fee` is charged); `received` is the alpha on the
    /// target.
    case moveStake(
      coldkey: String, from: StakePosition, to: StakePosition, alpha: Amount, tao: Amount?,
      received: Amount, fee: Amount)
    /// Alpha stake given to another coldkey on the same hotkey and subnet (`StakeTransferred`).
    case transferStake(from: String, to: String, hotkey: String, netuid: Int, alpha: Amount)
    /// A price of `asset` in another asset or an ISO 4217 currency, at the operation's height
    /// or time: a fact in the journal, no postings.
    case price(asset: String, in: String, price: ExactDecimal)
  }

  /// An amount of a named asset: a side of a swap or a conversion.
  public struct AssetAmount: Sendable, Equatable {
    /// The asset's symbol.
    public let asset: String
    /// How much, in its base units.
    public let amount: Amount

    /// An amount of `asset`.
    public init(asset: String, amount: Amount) {
      self.asset = asset
      self.amount = amount
    }
  }

  /// Where alpha stake sits: a hotkey on a subnet.
  public struct StakePosition: Sendable, Equatable {
    /// The validator's hotkey.
    public let hotkey: String
    /// The subnet.
    public let netuid: Int

    /// A position.
    public init(hotkey: String, netuid: Int) {
      self.hotkey = hotkey
      self.netuid = netuid
    }
  }

  /// Where an opening position sits.
  public enum OpeningPosition: Sendable, Equatable {
    case staked(validator: String)
    case unbonding(validator: String, maturesTime: Int64)
    case rewards(validator: String)

    /// The validator the position is on.
    public var validator: String {
      switch self {
      case .staked(let validator), .unbonding(let validator, _), .rewards(let validator): validator
      }
    }

    /// The bucket's name (`staked`, `unbonding`, `rewards`).
    public var bucketName: String {
      switch self {
      case .staked: "staked"
      case .unbonding: "unbonding"
      case .rewards: "rewards"
      }
    }
  }

  /// One recipient of a `distribute`.
  public struct Share: Sendable, Equatable {
    /// The recipient.
    public let to: String
    /// Its weight among the recipients.
    public let weight: ShareWeight

    /// A share.
    public init(to: String, weight: ShareWeight) {
      self.to = to
      self.weight = weight
    }
  }

  /// The `op` name.
  public var kind: OperationKind {
    switch action {
    case .defineAsset: .defineAsset
    case .mint: .mint
    case .openingBalance, .openingPosition: .openingBalance
    case .burn: .burn
    case .transfer: .transfer
    case .approve: .approve
    case .transferFrom: .transferFrom
    case .burnFrom: .burnFrom
    case .setPaused: .setPaused
    case .tick: .tick
    case .registerValidator: .registerValidator
    case .delegate: .delegate
    case .undelegate: .undelegate
    case .redelegate: .redelegate
    case .reward: .reward
    case .claim: .claim
    case .slash: .slash
    case .distribute: .distribute
    case .hold: .hold
    case .settle: .settle
    case .void: .void
    case .swap: .swap
    case .convert: .convert
    case .stakeIntoSubnet: .stakeIntoSubnet
    case .unstakeFromSubnet: .unstakeFromSubnet
    case .moveStake: .moveStake
    case .transferStake: .transferStake
    case .price: .price
    }
  }

  /// The asset whose clock dates this operation, when it names one directly. Settle and void
  /// take their hold's asset; a tick without an asset dates every asset.
  public var assetSymbol: String? {
    switch action {
    case .defineAsset(let definition): definition.symbol
    case .mint(let asset, _, _), .openingBalance(let asset, _, _), .burn(let asset, _, _),
      .openingPosition(let asset, _, _, _),
      .transfer(let asset, _, _, _),
      .approve(let asset, _, _, _), .transferFrom(let asset, _, _, _, _),
      .burnFrom(let asset, _, _, _),
      .setPaused(let asset, _), .registerValidator(let asset, _, _, _, _, _),
      .delegate(let asset, _, _, _), .undelegate(let asset, _, _, _),
      .redelegate(let asset, _, _, _, _), .reward(let asset, _, _), .claim(let asset, _, _),
      .slash(let asset, _, _), .hold(let asset, _, _, _, _, _),
      .distribute(let asset, _, _, _), .price(let asset, _, _):
      asset
    case .swap(_, _, let give, _, _): give.asset
    case .convert(_, let from, _, _): from.asset
    case .tick(let asset): asset
    case .settle, .void: nil
    // A subnet's alpha is found by its netuid (``Journal/subnetAsset(netuid:verb:)``).
    case .stakeIntoSubnet, .unstakeFromSubnet, .moveStake, .transferStake: nil
    }
  }
}
