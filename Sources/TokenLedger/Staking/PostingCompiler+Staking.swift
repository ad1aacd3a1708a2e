/// Staking verbs: validators, delegation, unbonding, rewards and slashing, for Cosmos (`claim`
/// rewards, unbonding period) and Bittensor (`compound` rewards, immediate unstaking) alike.
extension PostingCompiler {
  func compileStaking(_ action: Operation.Action) throws -> Compilation {
    switch action {
    case .registerValidator(
      let asset, let validator, let operatorAddress, let commission, let maxRate, let maxChangeRate):
      return try registerValidator(
        asset, validator, operatorAddress, commission,
        limits: (maxRate: maxRate, maxChangeRate: maxChangeRate))
    case .delegate(let asset, let delegator, let validator, let amount):
      let record = try requireValidator(asset, validator, verb: "delegate")
      // Cosmos withdraws the pair's pending rewards (a hook) before it moves the funds, so
      // those rewards can pay for the delegation.
      var compilation = try withdrawRewards(asset, delegator, record)
      let pending = try holderBalance(
        Account(holder: delegator, bucket: .rewards(validator: validator)), asset)
      try requireAvailable(
        delegator, asset, amount, plus: pending, verb: "delegate to \(validator)")
      compilation.move(
        asset, amount, from: Account(holder: delegator),
        to: Account(holder: delegator, bucket: .staked(validator: validator)))
      return compilation
    case .undelegate(let asset, let delegator, let validator, let amount):
      return try undelegate(asset, delegator, validator, amount)
    case .redelegate(let asset, let delegator, let from, let to, let amount):
      let source = try requireValidator(asset, from, verb: "redelegate")
      let target = try requireValidator(asset, to, verb: "redelegate")
      try requireStake(asset, delegator, from, amount, verb: "redelegate")
      var compilation = try withdrawRewards(asset, delegator, source)
      if from != to {
        compilation.postings += try withdrawRewards(asset, delegator, target).postings
        compilation.move(
          asset, amount, from: Account(holder: delegator, bucket: .staked(validator: from)),
          to: Account(holder: delegator, bucket: .staked(validator: to)))
      }
      return compilation
    case .reward(let asset, let validator, let amount):
      let record = try requireValidator(asset, validator, verb: "reward")
      try requireSupplyRoom(asset, amount, verb: "reward")
      return try RewardSplit.compile(
        state: state, definition: definition, validator: record, amount: amount)
    case .claim(let asset, let delegator, let validator):
      let record = try requireValidator(asset, validator, verb: "claim")
      return try withdrawRewards(asset, delegator, record)
    case .slash(let asset, let validator, let fraction):
      _ = try requireValidator(asset, validator, verb: "slash")
      var compilation = Compilation()
      for kind in [Bucket.Kind.staked, .unbonding] {
        for (account, balance) in try state.buckets(asset: asset, validator: validator, kind: kind)
        {
          compilation.move(asset, fraction.floorTimes(balance), from: account, to: .slashed)
        }
      }
      return compilation
    default:
      preconditionFailure("\(action) is not a staking verb")
    }
  }

  /// A chain state's stake, unbonding entry or pending rewards, drawn from `@external`.
  func openingPosition(
    asset: String, to: String, amount: Amount, position: Operation.OpeningPosition
  ) throws -> Compilation {
    guard to != EVMAddress.zero else {
      throw LedgerError(
        .invalidReceiver, "openingBalance: \(format(amount)) \(asset) to the zero address")
    }
    _ = try requireValidator(asset, position.validator, verb: "openingBalance")
    try requireNotPaused(verb: "openingBalance")
    try requireSupplyRoom(asset, amount, verb: "openingBalance")
    var compilation = Compilation()
    switch position {
    case .staked(let validator):
      compilation.move(
        asset, amount, from: .external,
        to: Account(holder: to, bucket: .staked(validator: validator)))
    case .rewards(let validator):
      compilation.move(
        asset, amount, from: .external,
        to: Account(holder: to, bucket: .rewards(validator: validator)))
    case .unbonding(let validator, let matures):
      // The clock releases matured entries only when it moves: one already mature would stay.
      if let now = clock.time, matures <= now {
        throw LedgerError(
          .invalidOperation,
          "openingBalance: unbonding matures at \(UTCTime.format(matures)), not after the \(asset) clock (\(UTCTime.format(now)))"
        )
      }
      let record = UnbondingRecord(
        asset: asset, delegator: to, validator: validator, entry: String(sequence),
        maturesTime: matures)
      compilation.move(asset, amount, from: .external, to: record.bucket)
      compilation.effects.append(.openUnbonding(record))
    }
    return compilation
  }

  func requireValidator(_ asset: String, _ validator: String, verb: String) throws
    -> ValidatorRecord
  {
    guard let record = try state.validator(asset: asset, validator: validator) else {
      throw LedgerError(
        .unknownValidator, "\(verb): \(validator) is not a registered \(asset) validator")
    }
    return record
  }

  func requireStake(
    _ asset: String, _ delegator: String, _ validator: String, _ amount: Amount, verb: String
  ) throws {
    let staked = try holderBalance(
      Account(holder: delegator, bucket: .staked(validator: validator)), asset)
    guard staked >= amount else {
      throw LedgerError(
        .insufficientStake,
        "\(verb): \(delegator) has \(format(staked, asset)) \(asset) staked on \(validator), needs \(format(amount, asset))"
      )
    }
  }

  /// Moves a delegator's pending rewards on a validator to available, as Cosmos's distribution
  /// hooks do before any change of a delegation and on `claim`.
  func withdrawRewards(_ asset: String, _ delegator: String, _ validator: ValidatorRecord) throws
    -> Compilation
  {
    let rewards = Account(holder: delegator, bucket: .rewards(validator: validator.validator))
    var compilation = Compilation()
    compilation.move(
      asset, try holderBalance(rewards, asset), from: rewards, to: Account(holder: delegator))
    return compilation
  }

  private func registerValidator(
    _ asset: String, _ validator: String, _ operatorAddress: String, _ commission: Rate,
    limits: (maxRate: Rate?, maxChangeRate: Rate?)
  ) throws -> Compilation {
    // The zero address never receives: not a validator's stake, not its commission.
    guard validator != EVMAddress.zero, operatorAddress != EVMAddress.zero else {
      throw LedgerError(
        .invalidReceiver, "registerValidator: the zero address cannot be a validator or operator")
    }
    if let maximum = definition.maxCommission, maximum < commission {
      throw LedgerError(
        .invalidRate,
        "registerValidator: commission \(commission) of \(validator) exceeds the \(asset) maximum \(maximum)"
      )
    }
    let existing = try state.validator(asset: asset, validator: validator)
    let (maxRate, maxChangeRate) = try validatorLimits(validator, limits, existing: existing)
    if let maxRate, maxRate < commission {
      throw LedgerError(
        .invalidRate,
        "registerValidator: commission \(commission) of \(validator) exceeds its max rate \(maxRate)"
      )
    }
    var changedTime = clock.time
    if let existing {
      changedTime = existing.commissionChangedTime
      if existing.commission != commission {
        try checkCommissionChange(existing, to: commission)
        changedTime = clock.time
      }
    }
    let record = ValidatorRecord(
      asset: asset, validator: validator, operatorAddress: operatorAddress, commission: commission,
      commissionChangedTime: changedTime, maxRate: maxRate, maxChangeRate: maxChangeRate)
    return Compilation(effects: [.setValidator(record)])
  }

  /// A validator's own limits are set when it is created (max change ≤ max rate) and never
  /// change, as in Cosmos: a later registration may repeat them or leave them out.
  private func validatorLimits(
    _ validator: String, _ limits: (maxRate: Rate?, maxChangeRate: Rate?),
    existing: ValidatorRecord?
  ) throws -> (Rate?, Rate?) {
    guard let existing else {
      if let maxRate = limits.maxRate, let step = limits.maxChangeRate, maxRate < step {
        throw LedgerError(
          .invalidRate,
          "registerValidator: max change rate \(step) of \(validator) exceeds its max rate \(maxRate)"
        )
      }
      return (limits.maxRate, limits.maxChangeRate)
    }
    let changes =
      (limits.maxRate != nil && limits.maxRate != existing.maxRate)
      || (limits.maxChangeRate != nil && limits.maxChangeRate != existing.maxChangeRate)
    guard !changes else {
      throw LedgerError(
        .invalidRate,
        "registerValidator: the max rate and max change rate of \(validator) are fixed when it is created"
      )
    }
    return (existing.maxRate, existing.maxChangeRate)
  }

  /// Cosmos's rule: at most one change per interval, increases bounded by `maxCommissionChange`.
  private func checkCommissionChange(_ existing: ValidatorRecord, to commission: Rate) throws {
    if let interval = definition.commissionChangeSeconds, let last = existing.commissionChangedTime
    {
      guard let now = clock.time, now - last >= interval else {
        throw LedgerError(
          .invalidRate,
          "registerValidator: commission of \(existing.validator) changed less than \(interval) s ago"
        )
      }
    }
    // The validator's own limit, else the asset's.
    if let step = existing.maxChangeRate ?? definition.maxCommissionChange,
      existing.commission < commission
    {
      let increase = RateDifference(from: existing.commission, to: commission)
      guard !increase.exceeds(step) else {
        throw LedgerError(
          .invalidRate,
          "registerValidator: raising the commission of \(existing.validator) from \(existing.commission) to \(commission) exceeds the change limit \(step)"
        )
      }
    }
  }

  private func undelegate(
    _ asset: String, _ delegator: String, _ validator: String, _ amount: Amount
  ) throws -> Compilation {
    let record = try requireValidator(asset, validator, verb: "undelegate")
    try requireStake(asset, delegator, validator, amount, verb: "undelegate")
    // An asset that unbonds over a period needs the time of every undelegate, whatever its
    // amount (the contract asks for it; an undelegate of 0 is no exception).
    let now = clock.time
    if definition.unbondingSeconds > 0 && now == nil {
      throw LedgerError(
        .invalidOperation,
        "undelegate: \(asset) unbonds over \(definition.unbondingSeconds) s, so the operation needs a 'time'"
      )
    }
    var compilation = try withdrawRewards(asset, delegator, record)
    let staked = Account(holder: delegator, bucket: .staked(validator: validator))
    // Undelegating nothing opens no unbonding entry (it would hold nothing and use up one of
    // the pair's limited entries); only the pending rewards are withdrawn.
    guard !amount.isZero else { return compilation }
    guard definition.unbondingSeconds > 0, let now else {
      compilation.move(asset, amount, from: staked, to: Account(holder: delegator))
      return compilation
    }
    if let limit = definition.maxUnbondingEntries,
      try state.openUnbondingCount(asset: asset, delegator: delegator, validator: validator)
        >= limit
    {
      throw LedgerError(
        .insufficientStake,
        "undelegate: \(delegator) already has \(limit) unbonding entries on \(validator)")
    }
    let unbonding = UnbondingRecord(
      asset: asset, delegator: delegator, validator: validator, entry: String(sequence),
      maturesTime: now + definition.unbondingSeconds)
    compilation.move(asset, amount, from: staked, to: unbonding.bucket)
    compilation.effects.append(.openUnbonding(unbonding))
    return compilation
  }
}

/// `to - from` of two rates, compared with a limit without leaving exact integers.
private struct RateDifference {
  let from: Rate
  let to: Rate

  /// True when `to - from > limit`, i.e. `to > from + limit`, cross-multiplied over a common
  /// power of ten (all three scales are at most 36, so 10^36 keeps every numerator in 128 bits).
  func exceeds(_ limit: Rate) -> Bool {
    let scale = max(from.scale, to.scale, limit.scale)
    func scaled(_ rate: Rate) -> UInt128 { rate.numerator * Rate.powerOfTen(scale - rate.scale)! }
    return scaled(to) > scaled(from) + scaled(limit)
  }
}
