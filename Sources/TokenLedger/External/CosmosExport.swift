import BigInt

/// A Cosmos SDK state export (`fetchd export`, `gaiad export`) read for one denomination:
/// the amino JSON of SDK 0.39 (`auth.accounts[].value.coins`, numeric statuses) and the
/// protobuf JSON of SDK ≥ 0.40 (`bank.balances`, `@type` accounts, `BOND_STATUS_…`). Amounts
/// stay exact: `sdk.Int` as `BigInt`, `sdk.Dec` as ``CosmosDec``.
struct CosmosExport {
  struct Account {
    let address: String
    let amount: BigInt
    /// A module account (`bonded_tokens_pool`, `distribution`, …): never a customer.
    let moduleName: String?
  }

  enum Status: String { case bonded, unbonding, unbonded }

  struct Validator {
    let address: String
    let tokens: BigInt
    let delegatorShares: CosmosDec
    let rate: String
    let maxRate: String
    let maxChangeRate: String
    let status: Status
    let jailed: Bool
  }

  struct Delegation {
    let delegator: String
    let validator: String
    let shares: CosmosDec
  }

  struct UnbondingEntry {
    let delegator: String
    let validator: String
    let balance: BigInt
    /// UTC seconds (the export's nanoseconds truncated, as every time of the ledger).
    let completionTime: Int64
    let creationHeight: String
    let index: Int
  }

  struct SlashEvent {
    let height: Int64
    let period: Int64
    let validatorPeriod: Int64
    let fraction: CosmosDec
  }

  let chainId: String
  /// The height of the export when the file says (SDK ≥ 0.40: `initial_height` − 1).
  let height: Int64?
  let denom: String
  let unbondingSeconds: Int64?
  /// The staking module's bond denomination (its stakes are of this coin).
  let bondDenom: String?
  var accounts: [Account] = []
  /// The supply the export states of `denom`; nil when it states none (a genesis file's
  /// `supply: []`).
  var supply: BigInt?
  var validators: [Validator] = []
  var delegations: [Delegation] = []
  var unbondings: [UnbondingEntry] = []
  // The distribution module's F1 state, per validator (operator address).
  var historicalRatios: [String: [Int64: CosmosDec]] = [:]
  var currentRewards: [String: (period: Int64, rewards: CosmosDec)] = [:]
  var startingInfos: [String: (previousPeriod: Int64, stake: CosmosDec, height: Int64)] = [:]
  var slashEvents: [String: [SlashEvent]] = [:]
  var outstandingRewards: [String: CosmosDec] = [:]
  var accumulatedCommission: [String: CosmosDec] = [:]
  var communityPool: CosmosDec = .zero

  static func startingKey(_ delegator: String, _ validator: String) -> String {
    delegator + "/" + validator
  }

  /// Every address is read in the canonical form of `scheme` (an upper-case bech32 address is
  /// the same account as its lower-case spelling), so the checks for a record twice see one
  /// account under two spellings, and ids and reconcile keys are the ledger's names.
  init(path: String, denom: String, scheme: AddressScheme) throws {
    let bytes = try SubtensorSnapshot.read(path)
    let reader = CosmosJSON(
      root: try JSONParser.parseDocument(bytes, name: path), path: path, scheme: scheme)
    chainId = try reader.string(["chain_id"])
    // The export is of the block before the one its chain starts at.
    height = try reader.optionalString(["initial_height"]).map { text throws(LedgerError) in
      guard let initial = Int64(text), initial >= 1, initial - 1 <= Limits.heightMax else {
        throw LedgerError(
          .invalidOperation,
          "\(path): initial_height '\(text.truncatedForMessage)' is not a height in"
            + " 1...\(Limits.heightMax + 1)")
      }
      return initial - 1
    }
    self.denom = denom
    let app = try reader.object(["app_state"])
    let staking = reader.child(app["staking"], "app_state.staking")
    unbondingSeconds = try Self.seconds(staking.optionalString(["params", "unbonding_time"]))
    bondDenom = try staking.optionalString(["params", "bond_denom"])
    guard !chainId.isEmpty, chainId.utf8.count <= 64,
      chainId.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") })
    else {
      throw LedgerError(
        .invalidOperation, "\(path): chain_id '\(chainId.truncatedForMessage)' is not a chain id")
    }
    try readAccounts(app, reader)
    try readStaking(staking)
    try readDistribution(reader.child(app["distribution"], "app_state.distribution"))
    try readUnbondings(staking)
  }

  /// `1814400000000000` (nanoseconds, amino) or `1814400s` (protobuf duration).
  private static func seconds(_ text: String?) throws -> Int64? {
    guard let text else { return nil }
    if text.hasSuffix("s"), let seconds = Int64(text.dropLast()) { return seconds }
    guard let nanoseconds = Int64(text) else {
      throw LedgerError(
        .invalidOperation, "cosmos-export: unbonding_time '\(text)' is not a duration")
    }
    return nanoseconds / 1_000_000_000
  }

  private mutating func readAccounts(_ app: [String: JSONValue], _ reader: CosmosJSON) throws {
    let auth = reader.child(app["auth"], "app_state.auth")
    var modules: [String: String] = [:]
    var amino: [Account] = []
    for (index, item) in try auth.array(["accounts"]).enumerated() {
      let entry = auth.child(item, "app_state.auth.accounts[\(index)]")
      if let type = try entry.optionalString(["type"]) {
        // Amino: {type, value: {address, coins, name?}}.
        let value = entry.child(item["value"], entry.path + ".value")
        guard let address = try value.optionalAddress(["address"]) else {
          throw LedgerError(
            .invalidOperation,
            "\(entry.path): account type \(type) has no address this reader knows")
        }
        let name =
          type.contains("ModuleAccount") ? try value.optionalString(["name"]) ?? "module" : nil
        amino.append(
          Account(
            address: address, amount: try value.coin(["coins"], denom), moduleName: name))
      } else {
        // Protobuf: {"@type", address | base_account.address, name?}; coins in bank.
        let type = try entry.string(["@type"])
        guard type.contains("ModuleAccount") else { continue }
        let address =
          try entry.optionalAddress(["base_account", "address"]) ?? entry.address(["address"])
        modules[address] = try entry.optionalString(["name"]) ?? "module"
      }
    }
    if !amino.isEmpty {
      accounts = amino
      supply = try reader.child(app["supply"], "app_state.supply").statedCoin(["supply"], denom)
      return
    }
    let bank = reader.child(app["bank"], "app_state.bank")
    for (index, item) in try bank.array(["balances"]).enumerated() {
      let entry = bank.child(item, "app_state.bank.balances[\(index)]")
      let address = try entry.address(["address"])
      accounts.append(
        Account(
          address: address, amount: try entry.coin(["coins"], denom),
          moduleName: modules[address]))
    }
    supply = try bank.statedCoin(["supply"], denom)
  }

  private mutating func readStaking(_ staking: CosmosJSON) throws {
    for (index, item) in try staking.array(["validators"]).enumerated() {
      let entry = staking.child(item, "\(staking.path).validators[\(index)]")
      let statusValue = item["status"]
      let status: Status =
        switch statusValue {
        case .number("2")?, .string("BOND_STATUS_BONDED")?: .bonded
        case .number("1")?, .string("BOND_STATUS_UNBONDING")?: .unbonding
        case .number("0")?, .string("BOND_STATUS_UNBONDED")?: .unbonded
        default:
          throw LedgerError(.invalidOperation, "\(entry.path).status is not a bond status")
        }
      validators.append(
        Validator(
          address: try entry.address(["operator_address"]), tokens: try entry.integer(["tokens"]),
          delegatorShares: try entry.dec(["delegator_shares"]),
          rate: try entry.string(["commission", "commission_rates", "rate"]),
          maxRate: try entry.string(["commission", "commission_rates", "max_rate"]),
          maxChangeRate: try entry.string(["commission", "commission_rates", "max_change_rate"]),
          status: status, jailed: item["jailed"] == .bool(true)))
    }
    for (index, item) in try staking.array(["delegations"]).enumerated() {
      let entry = staking.child(item, "\(staking.path).delegations[\(index)]")
      delegations.append(
        Delegation(
          delegator: try entry.address(["delegator_address"]),
          validator: try entry.address(["validator_address"]), shares: try entry.dec(["shares"])))
    }
  }

  /// The SDK keeps one unbonding record per (delegator, validator), its entries in a list: a
  /// pair twice would give two entries one id, the second dropped.
  private mutating func readUnbondings(_ staking: CosmosJSON) throws {
    var pairs: [String: String] = [:]
    for (index, item) in try staking.array(["unbonding_delegations"]).enumerated() {
      let entry = staking.child(item, "\(staking.path).unbonding_delegations[\(index)]")
      let delegator = try entry.address(["delegator_address"])
      let validator = try entry.address(["validator_address"])
      if let first = pairs.updateValue(entry.path, forKey: Self.startingKey(delegator, validator)) {
        throw LedgerError(
          .invalidOperation,
          "\(entry.path): the unbonding record of \(delegator) from \(validator) is also \(first)")
      }
      for (position, unbonding) in try entry.array(["entries"]).enumerated() {
        let part = entry.child(unbonding, "\(entry.path).entries[\(position)]")
        let text = try part.string(["completion_time"])
        guard let completion = UTCTime.parse(text) else {
          throw LedgerError(
            .invalidOperation, "\(part.path).completion_time '\(text)' is not RFC 3339 UTC")
        }
        unbondings.append(
          UnbondingEntry(
            delegator: delegator, validator: validator, balance: try part.integer(["balance"]),
            completionTime: completion, creationHeight: try part.string(["creation_height"]),
            index: position))
      }
    }
  }

  private mutating func readDistribution(_ distribution: CosmosJSON) throws {
    // Each record is the chain's one value for its key: a key twice is refused, never the
    // first or the last believed.
    var seen = OnceSeen()
    try readRewardPeriods(distribution, &seen)
    try readValidatorDistribution(distribution, &seen)
    communityPool = try distribution.decCoin(["fee_pool", "community_pool"], denom)
  }

  /// Records that may each be given once per key, named by what they are and where.
  private struct OnceSeen {
    private var places: [String: String] = [:]

    mutating func once(_ key: String, _ what: String, _ place: String) throws {
      if let first = places.updateValue(place, forKey: what + "\u{0}" + key) {
        throw LedgerError(.invalidOperation, "\(place): \(what) of \(key) is also \(first)")
      }
    }
  }

  /// The F1 periods: each validator's historical and current rewards, each delegation's
  /// starting info.
  private mutating func readRewardPeriods(_ distribution: CosmosJSON, _ seen: inout OnceSeen)
    throws
  {
    let path = distribution.path
    for (index, item) in try distribution.array(["validator_historical_rewards"]).enumerated() {
      let entry = distribution.child(item, "\(path).validator_historical_rewards[\(index)]")
      let validator = try entry.address(["validator_address"])
      let period = try entry.int64(["period"])
      try seen.once("\(validator) period \(period)", "the historical rewards", entry.path)
      historicalRatios[validator, default: [:]][period] = try entry.decCoin(
        ["rewards", "cumulative_reward_ratio"], denom)
    }
    for (index, item) in try distribution.array(["validator_current_rewards"]).enumerated() {
      let entry = distribution.child(item, "\(path).validator_current_rewards[\(index)]")
      let validator = try entry.address(["validator_address"])
      try seen.once(validator, "the current rewards", entry.path)
      currentRewards[validator] = (
        try entry.int64(["rewards", "period"]), try entry.decCoin(["rewards", "rewards"], denom)
      )
    }
    for (index, item) in try distribution.array(["delegator_starting_infos"]).enumerated() {
      let entry = distribution.child(item, "\(path).delegator_starting_infos[\(index)]")
      let height =
        try entry.optionalString(["starting_info", "creation_height"])
        ?? entry.string(["starting_info", "height"])
      guard let start = Int64(height), start >= 0 else {
        throw LedgerError(
          .invalidOperation, "\(entry.path): starting height '\(height)' is not a height")
      }
      let key = Self.startingKey(
        try entry.address(["delegator_address"]), try entry.address(["validator_address"]))
      try seen.once(key, "the starting info", entry.path)
      startingInfos[key] = (
        try entry.int64(["starting_info", "previous_period"]),
        try entry.dec(["starting_info", "stake"]), start
      )
    }
  }

  /// Each validator's slash events, outstanding rewards and accumulated commission.
  private mutating func readValidatorDistribution(
    _ distribution: CosmosJSON, _ seen: inout OnceSeen
  ) throws {
    let path = distribution.path
    for (index, item) in try distribution.array(["validator_slash_events"]).enumerated() {
      let entry = distribution.child(item, "\(path).validator_slash_events[\(index)]")
      let fraction = try entry.dec(["validator_slash_event", "fraction"])
      guard fraction <= CosmosDec(integer: 1) else {
        throw LedgerError(
          .invalidOperation,
          "\(entry.path).validator_slash_event.fraction \(fraction) is not a fraction in [0, 1]")
      }
      slashEvents[try entry.address(["validator_address"]), default: []].append(
        SlashEvent(
          height: try entry.int64(["height"]), period: try entry.int64(["period"]),
          validatorPeriod: try entry.int64(["validator_slash_event", "validator_period"]),
          fraction: fraction))
    }
    for (index, item) in try distribution.array(["outstanding_rewards"]).enumerated() {
      let entry = distribution.child(item, "\(path).outstanding_rewards[\(index)]")
      let validator = try entry.address(["validator_address"])
      try seen.once(validator, "the outstanding rewards", entry.path)
      outstandingRewards[validator] = try entry.decCoin(["outstanding_rewards"], denom)
    }
    for (index, item) in try distribution.array(["validator_accumulated_commissions"]).enumerated()
    {
      let entry = distribution.child(
        item, "\(path).validator_accumulated_commissions[\(index)]")
      // Amino: accumulated is the coins; protobuf: accumulated.commission.
      let keys =
        if case .object? = item["accumulated"] {
          ["accumulated", "commission"]
        } else {
          ["accumulated"]
        }
      let validator = try entry.address(["validator_address"])
      try seen.once(validator, "the accumulated commission", entry.path)
      accumulatedCommission[validator] = try entry.decCoin(keys, denom)
    }
  }
}
