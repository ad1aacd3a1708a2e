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
  var supply: BigInt = 0
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

  init(path: String, denom: String) throws {
    let bytes = try SubtensorSnapshot.read(path)
    let reader = CosmosJSON(root: try JSONParser.parseDocument(bytes, name: path), path: path)
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
    let staking = CosmosJSON(root: app["staking"] ?? .null, path: "app_state.staking")
    unbondingSeconds = try Self.seconds(staking.optionalString(["params", "unbonding_time"]))
    bondDenom = try staking.optionalString(["params", "bond_denom"])
    guard !chainId.isEmpty, chainId.utf8.count <= 64,
      chainId.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") })
    else {
      throw LedgerError(
        .invalidOperation, "\(path): chain_id '\(chainId.truncatedForMessage)' is not a chain id")
    }
    try readAccounts(app)
    try readStaking(staking)
    try readDistribution(
      CosmosJSON(root: app["distribution"] ?? .null, path: "app_state.distribution"))
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

  private mutating func readAccounts(_ app: [String: JSONValue]) throws {
    let auth = CosmosJSON(root: app["auth"] ?? .null, path: "app_state.auth")
    var modules: [String: String] = [:]
    var amino: [Account] = []
    for (index, item) in try auth.array(["accounts"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "app_state.auth.accounts[\(index)]")
      if let type = try entry.optionalString(["type"]) {
        // Amino: {type, value: {address, coins, name?}}.
        let value = CosmosJSON(root: item["value"] ?? .null, path: entry.path + ".value")
        guard let address = try value.optionalString(["address"]) else {
          throw LedgerError(
            .invalidOperation,
            "\(entry.path): account type \(type) has no address this reader knows")
        }
        let name =
          type.contains("ModuleAccount") ? try value.optionalString(["name"]) ?? "module" : nil
        amino.append(
          Account(
            address: address, amount: try Self.coin(value.array(["coins"]), denom), moduleName: name
          ))
      } else {
        // Protobuf: {"@type", address | base_account.address, name?}; coins in bank.
        let type = try entry.string(["@type"])
        guard type.contains("ModuleAccount") else { continue }
        let address =
          try entry.optionalString(["base_account", "address"]) ?? entry.string(["address"])
        modules[address] = try entry.optionalString(["name"]) ?? "module"
      }
    }
    if !amino.isEmpty {
      accounts = amino
      supply = try Self.coin(
        CosmosJSON(root: app["supply"] ?? .null, path: "app_state.supply").array(["supply"]), denom)
      return
    }
    let bank = CosmosJSON(root: app["bank"] ?? .null, path: "app_state.bank")
    for (index, item) in try bank.array(["balances"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "app_state.bank.balances[\(index)]")
      let address = try entry.string(["address"])
      accounts.append(
        Account(
          address: address, amount: try Self.coin(entry.array(["coins"]), denom),
          moduleName: modules[address]))
    }
    supply = try Self.coin(bank.array(["supply"]), denom)
  }

  private mutating func readStaking(_ staking: CosmosJSON) throws {
    for (index, item) in try staking.array(["validators"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(staking.path).validators[\(index)]")
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
          address: try entry.string(["operator_address"]), tokens: try entry.integer(["tokens"]),
          delegatorShares: try entry.dec(["delegator_shares"]),
          rate: try entry.string(["commission", "commission_rates", "rate"]),
          maxRate: try entry.string(["commission", "commission_rates", "max_rate"]),
          maxChangeRate: try entry.string(["commission", "commission_rates", "max_change_rate"]),
          status: status, jailed: item["jailed"] == .bool(true)))
    }
    for (index, item) in try staking.array(["delegations"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(staking.path).delegations[\(index)]")
      delegations.append(
        Delegation(
          delegator: try entry.string(["delegator_address"]),
          validator: try entry.string(["validator_address"]), shares: try entry.dec(["shares"])))
    }
    for (index, item) in try staking.array(["unbonding_delegations"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(staking.path).unbonding_delegations[\(index)]")
      let delegator = try entry.string(["delegator_address"])
      let validator = try entry.string(["validator_address"])
      for (position, unbonding) in try entry.array(["entries"]).enumerated() {
        let part = CosmosJSON(root: unbonding, path: "\(entry.path).entries[\(position)]")
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
    let path = distribution.path
    for (index, item) in try distribution.array(["validator_historical_rewards"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(path).validator_historical_rewards[\(index)]")
      let ratio = try Self.decCoin(item["rewards"]?["cumulative_reward_ratio"], denom, entry.path)
      historicalRatios[try entry.string(["validator_address"]), default: [:]][
        try entry.int64(["period"])] = ratio
    }
    for (index, item) in try distribution.array(["validator_current_rewards"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(path).validator_current_rewards[\(index)]")
      currentRewards[try entry.string(["validator_address"])] = (
        try entry.int64(["rewards", "period"]),
        try Self.decCoin(item["rewards"]?["rewards"], denom, entry.path)
      )
    }
    for (index, item) in try distribution.array(["delegator_starting_infos"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(path).delegator_starting_infos[\(index)]")
      let height =
        try entry.optionalString(["starting_info", "creation_height"])
        ?? entry.string(["starting_info", "height"])
      guard let start = Int64(height) else {
        throw LedgerError(
          .invalidOperation, "\(entry.path): starting height '\(height)' is not a number")
      }
      startingInfos[
        Self.startingKey(
          try entry.string(["delegator_address"]), try entry.string(["validator_address"]))] = (
          try entry.int64(["starting_info", "previous_period"]),
          try entry.dec(["starting_info", "stake"]), start
        )
    }
    for (index, item) in try distribution.array(["validator_slash_events"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(path).validator_slash_events[\(index)]")
      slashEvents[try entry.string(["validator_address"]), default: []].append(
        SlashEvent(
          height: try entry.int64(["height"]), period: try entry.int64(["period"]),
          validatorPeriod: try entry.int64(["validator_slash_event", "validator_period"]),
          fraction: try entry.dec(["validator_slash_event", "fraction"])))
    }
    for (index, item) in try distribution.array(["outstanding_rewards"]).enumerated() {
      let entry = CosmosJSON(root: item, path: "\(path).outstanding_rewards[\(index)]")
      outstandingRewards[try entry.string(["validator_address"])] = try Self.decCoin(
        item["outstanding_rewards"], denom, entry.path)
    }
    for (index, item) in try distribution.array(["validator_accumulated_commissions"]).enumerated()
    {
      let entry = CosmosJSON(
        root: item, path: "\(path).validator_accumulated_commissions[\(index)]")
      // Amino: accumulated is the coins; protobuf: accumulated.commission.
      let coins: JSONValue? =
        if case .object(let object)? = item["accumulated"] { object["commission"] } else {
          item["accumulated"]
        }
      accumulatedCommission[try entry.string(["validator_address"])] = try Self.decCoin(
        coins, denom, entry.path)
    }
    communityPool = try Self.decCoin(
      distribution.root["fee_pool"]?["community_pool"], denom, path + ".fee_pool")
  }

  /// The amount of `denom` among `[{denom, amount}]` (0 when absent).
  static func coin(_ coins: [JSONValue], _ denom: String) throws -> BigInt {
    for coin in coins where coin["denom"]?.stringValue == denom {
      guard let text = coin["amount"]?.stringValue, let value = BigInt(text), value >= 0 else {
        throw LedgerError(.invalidAmount, "cosmos-export: a \(denom) coin amount is not an integer")
      }
      return value
    }
    return 0
  }

  /// The `DecCoin` of `denom` in `[{denom, amount}]`; `null` or absent is zero.
  static func decCoin(_ coins: JSONValue?, _ denom: String, _ place: String) throws -> CosmosDec {
    guard case .array(let items)? = coins else { return .zero }
    for coin in items where coin["denom"]?.stringValue == denom {
      guard let text = coin["amount"]?.stringValue, let value = CosmosDec(text) else {
        throw LedgerError(.invalidAmount, "\(place): a \(denom) amount is not a decimal")
      }
      return value
    }
    return .zero
  }
}

/// Field access on an export's JSON with the path of each value in its errors.
struct CosmosJSON {
  let root: JSONValue
  let path: String

  private func value(_ keys: [String]) -> JSONValue? {
    var current: JSONValue? = root
    for key in keys { current = current?[key] }
    return current
  }

  private func fail(_ keys: [String], _ what: String) -> LedgerError {
    LedgerError(.invalidOperation, "\(path).\(keys.joined(separator: ".")) \(what)")
  }

  func object(_ keys: [String]) throws -> [String: JSONValue] {
    guard case .object(let members)? = value(keys) else { throw fail(keys, "is not an object") }
    return members
  }

  /// An array; `null` or absent is empty (exports write `null` for empty lists).
  func array(_ keys: [String]) throws -> [JSONValue] {
    switch value(keys) {
    case .array(let items)?: return items
    case .null?, nil: return []
    default: throw fail(keys, "is not an array")
    }
  }

  func optionalString(_ keys: [String]) throws -> String? {
    switch value(keys) {
    case .string(let text)?: return text
    case .null?, nil: return nil
    default: throw fail(keys, "is not a string")
    }
  }

  func string(_ keys: [String]) throws -> String {
    guard let text = try optionalString(keys) else { throw fail(keys, "is missing") }
    return text
  }

  func integer(_ keys: [String]) throws -> BigInt {
    guard let value = BigInt(try string(keys)), value >= 0 else {
      throw fail(keys, "is not an integer")
    }
    return value
  }

  func int64(_ keys: [String]) throws -> Int64 {
    let text: String? =
      switch value(keys) {
      case .string(let text)?: text
      case .number(let text)?: text
      default: nil
      }
    guard let text, let value = Int64(text) else { throw fail(keys, "is not an integer") }
    return value
  }

  func dec(_ keys: [String]) throws -> CosmosDec {
    guard let value = CosmosDec(try string(keys)) else { throw fail(keys, "is not a decimal") }
    return value
  }
}
