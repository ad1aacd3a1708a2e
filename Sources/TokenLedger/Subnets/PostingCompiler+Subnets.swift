/// Dynamic TAO's stake operations as the chain's events state them (contract, "Subnets"): the
/// ledger books the amounts the chain reports and never prices a pool itself. A subnet's pool
/// `@subnet:N` is a system account in TAO and in the subnet's alpha (it goes negative in the
/// alpha: the chain mints alpha into the pool).
extension PostingCompiler {
  func compileSubnet(_ action: Operation.Action) throws -> Compilation {
    let verb = action.kindName
    switch action {
    case .stakeIntoSubnet(let coldkey, let hotkey, let netuid, let tao, let alpha, let fee):
      let (token, parent) = try subnetAssets(netuid, hotkey: hotkey, verb: verb)
      try requireAvailable(coldkey, parent, tao, verb: "\(verb) into subnet \(netuid)")
      try requireSupplyRoom(token.symbol, alpha, verb: verb)
      let pool = Subnet(of: parent, netuid: netuid).pool
      var compilation = Compilation()
      // The decoder checked fee <= tao.
      compilation.move(parent, tao.subtracting(fee)!, from: Account(holder: coldkey), to: pool)
      compilation.move(parent, fee, from: Account(holder: coldkey), to: .fees)
      compilation.move(
        token.symbol, alpha, from: pool,
        to: Account(holder: coldkey, bucket: .staked(validator: hotkey)))
      return compilation
    case .unstakeFromSubnet(let coldkey, let hotkey, let netuid, let alpha, let tao, let fee):
      let (token, parent) = try subnetAssets(netuid, hotkey: hotkey, verb: verb)
      try requireStake(token.symbol, coldkey, hotkey, alpha, verb: verb)
      try requireSupplyRoom(parent, tao, verb: verb)
      let pool = Subnet(of: parent, netuid: netuid).pool
      var compilation = Compilation()
      compilation.move(
        token.symbol, alpha, from: Account(holder: coldkey, bucket: .staked(validator: hotkey)),
        to: pool)
      compilation.move(parent, tao, from: pool, to: Account(holder: coldkey))
      compilation.move(parent, fee, from: pool, to: .fees)
      return compilation
    case .moveStake(let coldkey, let from, let to, let alpha, let tao, let received, let fee):
      return try moveStake(
        coldkey: coldkey, from: from, to: to, alpha: alpha, tao: tao, received: received,
        fee: fee)
    case .transferStake(let from, let to, let hotkey, let netuid, let alpha):
      let (token, _) = try subnetAssets(netuid, hotkey: hotkey, verb: verb, parentMoves: false)
      try requireStake(token.symbol, from, hotkey, alpha, verb: verb)
      var compilation = Compilation()
      compilation.move(
        token.symbol, alpha, from: Account(holder: from, bucket: .staked(validator: hotkey)),
        to: Account(holder: to, bucket: .staked(validator: hotkey)))
      return compilation
    default:
      preconditionFailure("not a subnet operation")
    }
  }

  /// Within a subnet: alpha from one hotkey's stake to another's. Across subnets: an unstake
  /// from the first pool and a stake into the second in one entry, `tao` between the pools of
  /// which `fee` goes to `@fees`.
  private func moveStake(
    coldkey: String, from: Operation.StakePosition, to: Operation.StakePosition, alpha: Amount,
    tao: Amount?, received: Amount, fee: Amount
  ) throws -> Compilation {
    let verb = "moveStake"
    let crosses = from.netuid != to.netuid
    let (source, parent) = try subnetAssets(
      from.netuid, hotkey: from.hotkey, verb: verb, parentMoves: crosses)
    let (target, targetParent) = try subnetAssets(
      to.netuid, hotkey: to.hotkey, verb: verb, parentMoves: false)
    guard parent == targetParent else {
      throw LedgerError(
        .invalidOperation,
        "moveStake: subnet \(from.netuid) is of \(parent), subnet \(to.netuid) of \(targetParent)")
    }
    try requireStake(source.symbol, coldkey, from.hotkey, alpha, verb: verb)
    let staked = { (position: Operation.StakePosition) in
      Account(holder: coldkey, bucket: .staked(validator: position.hotkey))
    }
    var compilation = Compilation()
    guard crosses, let tao else {
      compilation.move(source.symbol, alpha, from: staked(from), to: staked(to))
      return compilation
    }
    try requireSupplyRoom(target.symbol, received, verb: verb)
    let sourcePool = Subnet(of: parent, netuid: from.netuid).pool
    let targetPool = Subnet(of: parent, netuid: to.netuid).pool
    compilation.move(source.symbol, alpha, from: staked(from), to: sourcePool)
    // The decoder checked fee <= tao.
    compilation.move(parent, tao.subtracting(fee)!, from: sourcePool, to: targetPool)
    compilation.move(parent, fee, from: sourcePool, to: .fees)
    compilation.move(target.symbol, received, from: targetPool, to: staked(to))
    return compilation
  }

  /// The subnet's alpha asset and its parent's symbol, after the hotkey is found registered on
  /// the alpha (names before pauses) and neither asset the operation moves is paused.
  private func subnetAssets(
    _ netuid: Int, hotkey: String, verb: String, parentMoves: Bool = true
  ) throws -> (alpha: AssetDefinition, parent: String) {
    let token = try alpha(netuid, verb: verb)
    guard let parent = token.subnet?.of else { preconditionFailure("an alpha has its subnet") }
    _ = try requireValidator(token.symbol, hotkey, verb: verb)
    try requireNotPaused(token.symbol, verb: verb)
    if parentMoves { try requireNotPaused(parent, verb: verb) }
    return (token, parent)
  }
}

extension Operation.Action {
  /// The `op` name of the action.
  var kindName: String { Operation(action: self).kind.rawValue }
}
