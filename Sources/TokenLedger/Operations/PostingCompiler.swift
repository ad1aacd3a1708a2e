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
      return Compilation(effects: [.defineAsset(definition)])
    case .tick:
      return Compilation()
    case .setPaused(let asset, let paused):
      return Compilation(effects: [.setPaused(asset: asset, paused: paused)])
    case .approve(let asset, let owner, let spender, let amount):
      return try approve(asset: asset, owner: owner, spender: spender, amount: amount)
    default:
      break
    }
    if let symbol = asset?.symbol, try state.isPaused(symbol) {
      throw LedgerError(.assetPaused, "\(operation.kind): asset \(symbol) is paused")
    }
    switch operation.action {
    case .mint(let asset, let to, let amount): return try mint(asset: asset, to: to, amount: amount)
    case .openingBalance(let asset, let to, let amount):
      return try openingBalance(asset: asset, to: to, amount: amount)
    case .burn(let asset, let from, let amount):
      return try burn(asset: asset, from: from, amount: amount)
    case .transfer(let asset, let from, let to, let amount):
      return try transfer(asset: asset, from: from, to: to, amount: amount, verb: "transfer")
    case .transferFrom(let asset, let spender, let from, let to, let amount):
      return try transferFrom(asset: asset, spender: spender, from: from, to: to, amount: amount)
    case .burnFrom(let asset, let spender, let from, let amount):
      return try burnFrom(asset: asset, spender: spender, from: from, amount: amount)
    case .hold, .settle, .void:
      return try compileHold(operation.action)
    default:
      return try compileStaking(operation.action)
    }
  }

  var definition: AssetDefinition {
    guard let asset else { preconditionFailure("an asset operation compiles with its asset") }
    return asset
  }

  func format(_ amount: Amount) -> String { definition.format(amount) }

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

  /// Throws `insufficientBalance` unless `holder` has `amount` available.
  func requireAvailable(_ holder: String, _ asset: String, _ amount: Amount, verb: String) throws {
    let balance = try available(holder, asset)
    guard balance >= amount else {
      throw LedgerError(
        .insufficientBalance,
        "\(verb): \(holder) has \(format(balance)) \(asset) available, needs \(format(amount))")
    }
  }

  /// Throws `amountOverflow` unless the asset's total supply can grow by `amount`.
  func requireSupplyRoom(_ asset: String, _ amount: Amount, verb: String) throws {
    guard try state.totalSupply(asset).adding(amount) != nil else {
      throw LedgerError(
        .amountOverflow,
        "\(verb): \(format(amount)) \(asset) would take the total supply past 2^128 - 1 base units")
    }
  }
}
