/// The shape of every operation: which fields it requires and which it allows. Shape is
/// checked before anything that reads the ledger, in one documented order (the contract's
/// precedence, README "Precedence"):
///
/// 1. `op` missing, not a string, or unknown;
/// 2. a field the operation does not take (`expectError` outside fixtures included);
/// 3. a required field missing;
/// 4. a field given as JSON `null` (`invalidAmount` for an amount, else `invalidOperation`);
///
/// all `invalidOperation` but the null amount. Only then are the asset, amounts, addresses and
/// the state consulted, so that two faults in one operation always report the same code.
extension Operation {
  /// The fields an operation may carry besides its own.
  static let commonFields: Set<String> = ["op", "id", "height", "time"]

  /// The fields whose `null` is `invalidAmount` rather than `invalidOperation`.
  static let amountFields: Set<String> = ["amount", "tao", "alpha", "fee", "received"]

  /// ``shape(_:)`` of every `op`, built once (shapes are checked for every operation applied).
  static let shapes = Dictionary(
    uniqueKeysWithValues: OperationKind.allCases.map { ($0, shape($0)) })

  /// Required and optional fields of each `op`.
  static func shape(_ kind: OperationKind) -> (required: Set<String>, optional: Set<String>) {
    switch kind {
    case .defineAsset:
      (
        ["symbol", "decimals", "addressScheme"],
        AssetDefinition.fieldNames.subtracting(["symbol", "decimals", "addressScheme"])
      )
    case .mint: (["asset", "to", "amount"], [])
    case .openingBalance: (["asset", "to", "amount"], ["bucket", "validator", "matures"])
    case .burn: (["asset", "from", "amount"], [])
    case .burnFrom: (["asset", "spender", "from", "amount"], [])
    case .transfer: (["asset", "from", "to", "amount"], [])
    case .approve: (["asset", "owner", "spender", "amount"], [])
    case .transferFrom: (["asset", "spender", "from", "to", "amount"], [])
    case .setPaused: (["asset", "paused"], [])
    case .tick: ([], ["asset"])
    case .registerValidator:
      (["asset", "validator", "operator", "commission"], ["maxRate", "maxChangeRate"])
    case .delegate: (["asset", "delegator", "validator", "amount"], [])
    case .undelegate: (["asset", "delegator", "validator", "amount"], [])
    case .redelegate: (["asset", "delegator", "from", "to", "amount"], [])
    case .reward: (["asset", "validator", "amount"], [])
    case .claim: (["asset", "delegator", "validator"], [])
    case .slash: (["asset", "validator", "fraction"], [])
    case .distribute: (["asset", "amount", "from", "shares"], [])
    case .hold: (["asset", "from", "to", "amount", "hold"], ["expires"])
    case .settle: (["hold"], ["amount"])
    case .void: (["hold"], [])
    case .swap: (["pool", "trader", "give", "get"], ["fee"])
    case .convert: (["holder", "from", "to", "rate"], [])
    case .stakeIntoSubnet: (["coldkey", "hotkey", "netuid", "tao", "alpha"], ["fee"])
    case .unstakeFromSubnet: (["coldkey", "hotkey", "netuid", "alpha", "tao"], ["fee"])
    case .moveStake: (["coldkey", "from", "to", "alpha", "received"], ["tao", "fee"])
    case .transferStake: (["from", "to", "hotkey", "netuid", "alpha"], [])
    case .price: (["asset", "in", "price"], [])
    }
  }

  /// Throws the first shape fault of `object` (an operation named `kind`), in the order above.
  static func checkShape(
    _ object: [String: JSONValue], kind: OperationKind, allowExpectError: Bool
  ) throws(LedgerError) {
    let shape = shapes[kind]!
    let unknown = object.keys.filter { key in
      !(commonFields.contains(key) || shape.required.contains(key)
        || shape.optional.contains(key) || (allowExpectError && key == "expectError"))
    }
    if let first = unknown.min() {
      let hint = first == "expectError" ? " (only fixtures may expect an error)" : ""
      throw LedgerError(
        .invalidOperation, "\(kind): unknown field '\(first.truncatedForMessage)'\(hint)")
    }
    if let missing = shape.required.filter({ object[$0] == nil }).min() {
      throw LedgerError(.invalidOperation, "\(kind): missing field '\(missing)'")
    }
    if let null = object.filter({ $0.value == .null }).keys.min() {
      throw FieldReader.nullError(operation: kind.rawValue, key: null)
    }
  }
}
