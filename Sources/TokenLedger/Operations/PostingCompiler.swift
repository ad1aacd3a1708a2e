/// Compiles one operation into postings and effects: the one place where the meaning of every
/// verb is written down. It reads the state and decides; it never writes (the journal does).
/// Every rejection is a ``LedgerError`` thrown before anything is written.
struct PostingCompiler<State: LedgerState> {
  let state: State
  /// The operation's asset definition (nil only for a tick of every asset, settle/void
  /// carry their hold's asset here).
  let asset: AssetDefinition?
  /// The asset's clock including this operation.
  let clock: Clock
  /// The sequence number the operation's entry will get (names unbonding entries).
  let sequence: Int64

  func compile(_ operation: Operation) throws -> Compilation {
    switch operation.action {
    case .defineAsset(let definition):
      try checkSubnetParent(definition)
      return Compilation(effects: [.defineAsset(definition)])
    case .price:
      // A fact, not a movement: a paused asset still has a price.
      return Compilation()
    case .tick:
      return Compilation()
    case .setPaused(let asset, let paused):
      return Compilation(effects: [.setPaused(asset: asset, paused: paused)])
    case .approve(let asset, let owner, let spender, let amount):
      return try approve(asset: asset, owner: owner, spender: spender, amount: amount)
    default:
      break
    }
    switch operation.action {
    case .mint(let asset, let to, let amount): return try mint(asset: asset, to: to, amount: amount)
    case .openingBalance(let asset, let to, let amount):
      return try openingBalance(asset: asset, to: to, amount: amount)
    case .openingPosition(let asset, let to, let amount, let position):
      return try openingPosition(asset: asset, to: to, amount: amount, position: position)
    case .burn(let asset, let from, let amount):
      return try burn(asset: asset, from: from, amount: amount)
    case .transfer(let asset, let from, let to, let amount):
      return try transfer(asset: asset, from: from, to: to, amount: amount, verb: "transfer")
    case .transferFrom(let asset, let spender, let from, let to, let amount):
      return try transferFrom(asset: asset, spender: spender, from: from, to: to, amount: amount)
    case .burnFrom(let asset, let spender, let from, let amount):
      return try burnFrom(asset: asset, spender: spender, from: from, amount: amount)
    default:
      break
    }
    // Registering a validator moves nothing: a pause does not apply to it.
    if case .registerValidator = operation.action { return try compileStaking(operation.action) }
    // The ERC-20 verbs check pause where OpenZeppelin's `_update` does, after their own
    // address checks. Every other verb meets the pause before anything that reads amounts,
    // but after what it names (an unknown validator or a hold that is not open is wrong
    // whether or not the asset is paused): those names are looked up here only when the asset
    // is paused; otherwise the verb looks them up itself, once.
    if let symbol = asset?.symbol, try state.isPaused(symbol) {
      try requireNamed(operation.action, verb: operation.kind.rawValue)
      try requireNotPaused(verb: operation.kind.rawValue)
    }
    switch operation.action {
    case .hold, .settle, .void:
      return try compileHold(operation.action)
    case .swap, .convert:
      return try compileCrossAsset(operation.action)
    case .stakeIntoSubnet, .unstakeFromSubnet, .moveStake, .transferStake:
      return try compileSubnet(operation.action)
    case .distribute(let asset, let from, let amount, let shares):
      return try distribute(asset: asset, from: from, amount: amount, shares: shares)
    default:
      return try compileStaking(operation.action)
    }
  }

  /// Throws `unknownValidator` for a validator the operation names that is not registered, and
  /// `unknownHold` (or `holdExpired`) for a hold that is not open: the names come before the
  /// pause (contract, "Precedence").
  func requireNamed(_ action: Operation.Action, verb: String) throws {
    switch action {
    case .delegate(let asset, _, let validator, _), .undelegate(let asset, _, let validator, _),
      .reward(let asset, let validator, _), .claim(let asset, _, let validator),
      .slash(let asset, let validator, _):
      _ = try requireValidator(asset, validator, verb: verb)
    case .redelegate(let asset, _, let from, let to, _):
      _ = try requireValidator(asset, from, verb: verb)
      _ = try requireValidator(asset, to, verb: verb)
    case .settle(let hold, _), .void(let hold):
      _ = try openHold(hold, verb: verb)
    case .stakeIntoSubnet(_, let hotkey, let netuid, _, _, _),
      .unstakeFromSubnet(_, let hotkey, let netuid, _, _, _),
      .transferStake(_, _, let hotkey, let netuid, _):
      _ = try requireValidator(try alpha(netuid, verb: verb).symbol, hotkey, verb: verb)
    case .moveStake(_, let from, let to, _, _, _, _):
      _ = try requireValidator(try alpha(from.netuid, verb: verb).symbol, from.hotkey, verb: verb)
      _ = try requireValidator(try alpha(to.netuid, verb: verb).symbol, to.hotkey, verb: verb)
    default:
      break
    }
  }

  /// Throws `assetPaused` when the operation's asset is paused (ERC20Pausable).
  func requireNotPaused(verb: String) throws {
    if let symbol = asset?.symbol { try requireNotPaused(symbol, verb: verb) }
  }

  /// Throws `assetPaused` when `symbol` is paused: each asset a cross-asset entry moves obeys
  /// its own pause.
  func requireNotPaused(_ symbol: String, verb: String) throws {
    if try state.isPaused(symbol) {
      throw LedgerError(.assetPaused, "\(verb): asset \(symbol) is paused")
    }
  }

  /// A subnet's alpha asset.
  func alpha(_ netuid: Int, verb: String) throws -> AssetDefinition {
    try state.subnetAsset(netuid: netuid, verb: verb)
  }

  /// An alpha asset's parent must be defined, be no subnet itself, count in rao (9 decimals)
  /// and write addresses as the alpha does.
  func checkSubnetParent(_ definition: AssetDefinition) throws {
    guard let subnet = definition.subnet else { return }
    guard let parent = try state.assetDefinition(subnet.of) else {
      throw LedgerError(
        .unknownAsset,
        "defineAsset \(definition.symbol): subnet parent '\(subnet.of.truncatedForMessage)' is not defined"
      )
    }
    // One alpha per netuid: an entry names its subnet by netuid, so a second alpha would
    // make every entry of the subnet ambiguous to the audit and to replay.
    let existing = try state.subnetAssets(netuid: subnet.netuid)
    if let other = existing.first(where: { $0.symbol != definition.symbol }) {
      throw LedgerError(
        .invalidOperation,
        "defineAsset \(definition.symbol): subnet \(subnet.netuid) already has its alpha, \(other.symbol)"
      )
    }
    guard parent.subnet == nil, parent.decimals == Subnet.decimals,
      parent.addressScheme == definition.addressScheme
    else {
      throw LedgerError(
        .invalidOperation,
        "defineAsset \(definition.symbol): parent \(parent.symbol) must be no subnet, have 9 decimals and the alpha's address scheme"
      )
    }
  }

  var definition: AssetDefinition {
    guard let asset else { preconditionFailure("an asset operation compiles with its asset") }
    return asset
  }

  func format(_ amount: Amount) -> String { definition.format(amount) }

  /// Token-unit text of an amount of `asset` (the operation's, or another it names).
  func format(_ amount: Amount, _ asset: String) -> String {
    if asset == self.asset?.symbol { return format(amount) }
    return (try? state.assetDefinition(asset))?.format(amount)
      ?? "\(amount.baseUnits) base units of"
  }

  /// The available balance of a holder, which is never negative.
  func available(_ holder: String, _ asset: String) throws -> Amount {
    try holderBalance(Account(holder: holder), asset)
  }

  func holderBalance(_ account: Account, _ asset: String) throws -> Amount {
    guard let amount = try state.balance(account, asset: asset).amount else {
      preconditionFailure("holder account \(account) is negative in \(asset)")
    }
    return amount
  }

  /// Throws `insufficientBalance` unless `holder` has `amount` available, counting `plus`
  /// (rewards the same operation withdraws to available first).
  func requireAvailable(
    _ holder: String, _ asset: String, _ amount: Amount, plus: Amount = .zero, verb: String
  ) throws {
    let balance = try available(holder, asset)
    // Both are parts of one holder's balance of one asset, whose sum fits in 128 bits.
    guard let funds = balance.adding(plus) else {
      preconditionFailure("\(holder) holds more than 2^128 - 1 base units of \(asset)")
    }
    guard funds >= amount else {
      let rewards =
        plus.isZero ? "" : " (and \(format(plus, asset)) in rewards withdrawn first)"
      throw LedgerError(
        .insufficientBalance,
        "\(verb): \(holder) has \(format(balance, asset)) \(asset) available\(rewards), needs \(format(amount, asset))"
      )
    }
  }

  /// Throws `amountOverflow` unless the asset's total supply can grow by `amount`.
  func requireSupplyRoom(_ asset: String, _ amount: Amount, verb: String) throws {
    guard try state.totalSupply(asset).adding(amount) != nil else {
      throw LedgerError(
        .amountOverflow,
        "\(verb): \(format(amount, asset)) \(asset) would take the total supply past 2^128 - 1 base units"
      )
    }
  }
}
