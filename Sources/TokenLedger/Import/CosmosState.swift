import BigInt

/// What a Cosmos export means to the ledger: the positions it opens (available, staked,
/// unbonding, pending rewards and commission), the validators it registers, and the facts
/// that the import reports so that nothing truncation leaves is dropped silently.
struct CosmosState {
  struct Position {
    let holder: String
    let amount: Amount
    /// nil: available.
    let position: Operation.OpeningPosition?
    /// Names the position in its entry id.
    let key: String
  }

  struct ValidatorOpening {
    let validator: String
    let operatorAccount: String
    let commission: Rate
    let maxRate: Rate
    let maxChangeRate: Rate
  }

  var validators: [ValidatorOpening] = []
  var positions: [Position] = []
  /// Named figures in base units (decimal text; the truncation of rewards has a fraction):
  /// supply, pools, the identities and their dust.
  var facts: [(String, String)] = []

  /// `consistent`: refuse an export whose parts do not add up (an import opens books from
  /// it); a reconcile compares whatever the file says, so that an edited export shows its
  /// edits as differences.
  init(
    _ export: CosmosExport, humanReadablePart: String, height: Int64, requireConsistent: Bool
  ) throws {
    if requireConsistent { try Self.checkConsistent(export) }
    validators = try Self.validatorOpenings(export, humanReadablePart: humanReadablePart)
    var customers: BigInt = 0
    for account in export.accounts where account.moduleName == nil && account.amount > 0 {
      positions.append(
        try Self.position(account.address, account.amount, nil, "balance/\(account.address)"))
      customers += account.amount
    }
    let (delegated, pending, pendingExact) = try openDelegations(export, height: height)
    var commission: BigInt = 0
    for opening in validators {
      let accumulated = export.accumulatedCommission[opening.validator, default: .zero].truncated
      guard accumulated > 0 else { continue }
      commission += accumulated
      positions.append(
        try Self.position(
          opening.operatorAccount, accumulated, .rewards(validator: opening.validator),
          "commission/\(opening.validator)"))
    }
    var unbonding: BigInt = 0
    for entry in export.unbondings where entry.balance > 0 {
      unbonding += entry.balance
      positions.append(
        try Self.position(
          entry.delegator, entry.balance,
          .unbonding(validator: entry.validator, maturesTime: entry.completionTime),
          "unbonding/\(entry.delegator)/\(entry.validator)/\(entry.creationHeight)/\(entry.index)"))
    }
    facts = Self.facts(
      export, customers: customers, delegated: delegated, unbonding: unbonding, pending: pending,
      pendingExact: pendingExact, commission: commission)
  }

  /// The validators an export registers, each rate checked to be an sdk.Dec the ledger takes.
  private static func validatorOpenings(_ export: CosmosExport, humanReadablePart: String)
    throws -> [ValidatorOpening]
  {
    var openings: [ValidatorOpening] = []
    for validator in export.validators {
      guard let account = Bech32.withHumanReadablePart(validator.address, humanReadablePart) else {
        throw LedgerError(.invalidAddress, "cosmos-export: \(validator.address) is not bech32")
      }
      // A rate the ledger refuses names the validator and the field it came from.
      func rate(_ text: String, _ field: String) throws -> Rate {
        // An sdk.Dec: at most 18 fractional digits (the ledger's rates take 36).
        guard CosmosDec(text) != nil else {
          throw LedgerError(
            .invalidRate,
            "cosmos-export: validator \(validator.address) commission_rates.\(field) '\(text.truncatedForMessage)' is not an sdk.Dec"
          )
        }
        do {
          return try Rate(parsing: Self.trimmed(text))
        } catch {
          throw LedgerError(
            error.code,
            "cosmos-export: validator \(validator.address) commission_rates.\(field): \(error.message)"
          )
        }
      }
      openings.append(
        ValidatorOpening(
          validator: validator.address, operatorAccount: account,
          commission: try rate(validator.rate, "rate"),
          maxRate: try rate(validator.maxRate, "max_rate"),
          maxChangeRate: try rate(validator.maxChangeRate, "max_change_rate")))
    }
    return openings
  }

  /// Opens every delegation's stake (floor(shares × tokens ÷ delegator shares)) and its
  /// pending rewards (truncated as the chain pays them); returns the totals delegated and
  /// pending, and the exact pending sum.
  private mutating func openDelegations(_ export: CosmosExport, height: Int64) throws -> (
    delegated: BigInt, pending: BigInt, pendingExact: CosmosDec
  ) {
    let byAddress = Dictionary(export.validators.map { ($0.address, $0) }) { first, _ in first }
    var delegated: BigInt = 0
    var pending: BigInt = 0
    var pendingExact = CosmosDec.zero
    let ending = Self.endingRatios(export)
    for delegation in export.delegations {
      guard let validator = byAddress[delegation.validator] else {
        throw LedgerError(
          .unknownValidator, "cosmos-export: delegation to unknown \(delegation.validator)")
      }
      guard validator.delegatorShares.scaled > 0 else {
        throw LedgerError(
          .invalidOperation,
          "cosmos-export: \(delegation.delegator) delegates to \(delegation.validator), which has no delegator shares"
        )
      }
      // tokens = floor(shares × validator tokens ÷ delegator shares), exactly.
      let tokens = delegation.shares.scaled * validator.tokens / validator.delegatorShares.scaled
      delegated += tokens
      let key = "\(delegation.delegator)/\(delegation.validator)"
      if tokens > 0 {
        positions.append(
          try Self.position(
            delegation.delegator, tokens, .staked(validator: delegation.validator),
            "delegation/\(key)"))
      }
      let rewards = try Self.pendingRewards(
        export, delegation, validator, ending: ending, height: height)
      pendingExact = pendingExact + rewards
      if rewards.truncated > 0 {
        pending += rewards.truncated
        positions.append(
          try Self.position(
            delegation.delegator, rewards.truncated, .rewards(validator: delegation.validator),
            "rewards/\(key)"))
      }
    }
    return (delegated, pending, pendingExact)
  }

  /// The positions as balance records for reconciliation, one per key (an operator's
  /// commission and its own pending rewards on a validator are one rewards bucket; unbonding
  /// entries are keyed `validator@completion time`, those that complete together summed).
  var records: [BalanceRecord] {
    var order: [String] = []
    var sums: [String: (BalanceRecord, UInt128)] = [:]
    for position in positions {
      let bucket: Bucket.Kind =
        switch position.position {
        case nil: .available
        case .staked?: .staked
        case .unbonding?: .unbonding
        case .rewards?: .rewards
        }
      var validator = position.position?.validator
      if case .unbonding(let onValidator, let matures)? = position.position {
        validator = onValidator + "@" + UTCTime.format(matures)
      }
      let key = "\(position.holder)\u{0}\(bucket.rawValue)\u{0}\(validator ?? "")"
      let record = BalanceRecord(
        address: position.holder, asset: "", bucket: bucket, validator: validator,
        amount: position.amount, line: 0)
      if let (first, sum) = sums[key] {
        sums[key] = (first, sum + position.amount.baseUnits)
      } else {
        order.append(key)
        sums[key] = (record, position.amount.baseUnits)
      }
    }
    return order.map { key in
      let (record, sum) = sums[key]!
      return BalanceRecord(
        address: record.address, asset: "", bucket: record.bucket, validator: record.validator,
        amount: Amount(baseUnits: sum), line: 0)
    }
  }

  /// Refuses an export whose parts do not add up, rather than import books that do not:
  /// a validator, account or delegation twice; delegations whose shares are not exactly the
  /// validator's delegator shares (the SDK's invariant); a delegation to a validator without
  /// shares; pools or a supply that are not what the accounts and validators sum to
  /// (``CosmosExport/invariantFailures``).
  private static func checkConsistent(_ export: CosmosExport) throws {
    func unique(_ keys: [String], _ what: String) throws {
      var seen: Set<String> = []
      for key in keys where !seen.insert(key).inserted {
        throw LedgerError(.invalidOperation, "cosmos-export: \(what) \(key) appears twice")
      }
    }
    try unique(export.validators.map(\.address), "validator")
    try unique(export.accounts.map(\.address), "account")
    try unique(export.delegations.map { "\($0.delegator)/\($0.validator)" }, "delegation")
    var shares: [String: CosmosDec] = [:]
    for delegation in export.delegations {
      shares[delegation.validator] =
        shares[delegation.validator, default: .zero] + delegation.shares
    }
    for validator in export.validators {
      let total = shares[validator.address, default: .zero]
      guard total.scaled == validator.delegatorShares.scaled else {
        throw LedgerError(
          .invalidOperation,
          "cosmos-export: the delegations of \(validator.address) hold \(total) shares, the validator \(validator.delegatorShares)"
        )
      }
    }
    if let failure = export.invariantFailures.first {
      throw LedgerError(
        .invalidOperation, "cosmos-export: \(failure.name) does not add up: \(failure.message)")
    }
  }

  private static func position(
    _ holder: String, _ amount: BigInt, _ position: Operation.OpeningPosition?, _ key: String
  ) throws -> Position {
    guard let value = amount.amount else {
      throw LedgerError(
        .amountOverflow, "cosmos-export: \(key) holds more than 2^128 - 1 base units")
    }
    return Position(holder: holder, amount: value, position: position, key: key)
  }

  /// "0.050000000000000000" → "0.05" (a ledger rate is canonical).
  static func trimmed(_ dec: String) -> String {
    guard dec.contains(".") else { return dec }
    var text = Substring(dec)
    while text.last == "0" { text = text.dropLast() }
    if text.last == "." { text = text.dropLast() }
    return String(text)
  }

  /// Each validator's cumulative ratio after its current period ends, as the rewards query
  /// does (in a throw-away context): `hist[P] = hist[P-1] + current ÷ tokens` (truncated).
  private static func endingRatios(_ export: CosmosExport) -> [String: (Int64, CosmosDec)] {
    var result: [String: (Int64, CosmosDec)] = [:]
    for validator in export.validators {
      guard let current = export.currentRewards[validator.address] else { continue }
      let previous = export.historicalRatios[validator.address]?[current.period - 1] ?? .zero
      let ratio =
        validator.tokens == 0
        ? CosmosDec.zero : current.rewards.dividedTruncating(CosmosDec(integer: validator.tokens))
      result[validator.address] = (current.period, previous + ratio)
    }
    return result
  }

  /// `CalculateDelegationRewards` of the SDK's F1 distribution: the rewards between the
  /// delegation's starting period and each slash of its validator since, on the stake reduced
  /// by each slash, then to the ending period on the current stake.
  private static func pendingRewards(
    _ export: CosmosExport, _ delegation: CosmosExport.Delegation,
    _ validator: CosmosExport.Validator, ending: [String: (Int64, CosmosDec)], height: Int64
  ) throws -> CosmosDec {
    let key = CosmosExport.startingKey(delegation.delegator, delegation.validator)
    guard let start = export.startingInfos[key],
      let (endingPeriod, endingRatio) = ending[validator.address]
    else {
      throw LedgerError(
        .invalidOperation, "cosmos-export: no F1 starting info or current rewards for \(key)")
    }
    guard start.height != height else { return .zero }
    let history = export.historicalRatios[validator.address] ?? [:]
    guard start.previousPeriod < endingPeriod else {
      throw LedgerError(
        .invalidOperation,
        "cosmos-export: \(key) starts at period \(start.previousPeriod), past its validator's \(endingPeriod)"
      )
    }
    // Every period the computation reads must be in the F1 history (the SDK keeps them by
    // reference count): a missing one would silently count as zero rewards.
    func ratio(_ period: Int64) throws -> CosmosDec {
      if period == endingPeriod { return endingRatio }
      guard let value = history[period] else {
        throw LedgerError(
          .invalidOperation,
          "cosmos-export: the F1 history of \(validator.address) lacks period \(period) (needed by \(key))"
        )
      }
      return value
    }
    var stake = start.stake
    var period = start.previousPeriod
    var rewards = CosmosDec.zero
    let events = (export.slashEvents[validator.address] ?? [])
      .filter { $0.height >= start.height && $0.height <= height }
      .sorted { ($0.height, $0.period) < ($1.height, $1.period) }
    let one = CosmosDec(integer: 1)
    for event in events where event.validatorPeriod > period {
      let gain = try ratio(event.validatorPeriod) - ratio(period)
      rewards = rewards + gain.multipliedTruncating(stake)
      stake = stake.multipliedTruncating(one - event.fraction)
      period = event.validatorPeriod
    }
    // The current stake as the SDK computes it (TokensFromShares: a rounded quotient); a
    // starting stake above it by the rounding of a slash (3 × 10^-18) is capped to it.
    let current = CosmosDec(scaled: delegation.shares.scaled * validator.tokens)
      .dividedRounding(validator.delegatorShares)
    if current < stake {
      guard stake.scaled - current.scaled <= 3 else {
        throw LedgerError(
          .invalidOperation, "cosmos-export: \(key) starts with more stake than it has")
      }
      stake = current
    }
    let gain = try endingRatio - ratio(period)
    return rewards + gain.multipliedTruncating(stake)
  }

  private static func facts(
    _ export: CosmosExport, customers: BigInt, delegated: BigInt, unbonding: BigInt,
    pending: BigInt, pendingExact: CosmosDec, commission: BigInt
  ) -> [(String, String)] {
    let sums = export.sums
    let module = sums.modules
    let (bonded, notBonded, outstanding) = (sums.bonded, sums.notBonded, sums.outstanding)
    let distribution = sums.module("distribution")
    let community = export.communityPool.truncated
    let ledger = customers + delegated + unbonding + pending + commission
    var facts: [(String, String)] = [
      ("customers", customers),
      ("bondedPool", sums.module("bonded_tokens_pool")),
      ("bondedValidatorTokens", bonded),
      ("notBondedPool", sums.module("not_bonded_tokens_pool")),
      ("unbondingEntries", unbonding), ("notBondedValidatorTokens", notBonded),
      ("delegations", delegated),
      ("delegationDust", bonded + notBonded - delegated),
      ("distributionAccount", distribution),
      ("outstandingRewardsAndCommunityPool", (outstanding + export.communityPool).truncated),
      ("pendingRewards", pending),
      ("commission", commission), ("communityPool", community),
      ("distributionDust", distribution - pending - commission - community),
      ("ledgerSupply", ledger),
    ].map { ($0.0, String($0.1)) }
    // A genesis file may state no supply (`supply: []`): then there is none to compare.
    if let supply = export.supply {
      facts.insert(("supply", String(supply)), at: 0)
      facts.append(("supplyNotInLedger", String(supply - ledger)))
    }
    // What truncating each delegation's rewards to a base unit leaves, a decimal of base units.
    facts.append(
      ("pendingRewardsTruncation", (pendingExact - CosmosDec(integer: pending)).description))
    for (name, amount) in module.sorted(by: { $0.key < $1.key })
    where !["bonded_tokens_pool", "not_bonded_tokens_pool", "distribution"].contains(name) {
      facts.append(("module:" + name, String(amount)))
    }
    return facts
  }
}
