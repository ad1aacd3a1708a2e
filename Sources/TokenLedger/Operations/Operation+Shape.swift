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
  static let amountFields: Set<String> = ["amount"]

  /// Required and optional fields of each `op`.
  static let shapes: [String: (required: Set<String>, optional: Set<String>)] = [
    "defineAsset": (
      ["symbol", "decimals", "addressScheme"],
      AssetDefinition.fieldNames.subtracting(["symbol", "decimals", "addressScheme"])
    ),
    "mint": (["asset", "to", "amount"], []),
    "openingBalance": (["asset", "to", "amount"], ["bucket", "validator", "matures"]),
    "burn": (["asset", "from", "amount"], []),
    "burnFrom": (["asset", "spender", "from", "amount"], []),
    "transfer": (["asset", "from", "to", "amount"], []),
    "approve": (["asset", "owner", "spender", "amount"], []),
    "transferFrom": (["asset", "spender", "from", "to", "amount"], []),
    "setPaused": (["asset", "paused"], []),
    "tick": ([], ["asset"]),
    "registerValidator": (
      ["asset", "validator", "operator", "commission"], ["maxRate", "maxChangeRate"]
    ),
    "delegate": (["asset", "delegator", "validator", "amount"], []),
    "undelegate": (["asset", "delegator", "validator", "amount"], []),
    "redelegate": (["asset", "delegator", "from", "to", "amount"], []),
    "reward": (["asset", "validator", "amount"], []),
    "claim": (["asset", "delegator", "validator"], []),
    "slash": (["asset", "validator", "fraction"], []),
    "distribute": (["asset", "amount", "from", "shares"], []),
    "hold": (["asset", "from", "to", "amount", "hold"], ["expires"]),
    "settle": (["hold"], ["amount"]),
    "void": (["hold"], []),
  ]

  /// Throws the first shape fault of `object` (an operation named `kind`), in the order above.
  static func checkShape(
    _ object: [String: JSONValue], kind: String, allowExpectError: Bool
  ) throws(LedgerError) {
    guard let shape = shapes[kind] else {
      preconditionFailure("op '\(kind)' is in Operation.kinds but has no shape")
    }
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
      throw FieldReader.nullError(operation: kind, key: null)
    }
  }
}
