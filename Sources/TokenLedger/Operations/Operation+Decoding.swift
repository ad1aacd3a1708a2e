/// What decoding needs to know of the ledger: asset definitions (for decimals and address
/// schemes) and the asset of a hold (for `settle` amounts).
public protocol OperationContext {
  func assetDefinition(_ symbol: String) throws -> AssetDefinition?
  func holdAsset(_ hold: String) throws -> String?
  /// `scheme.normalize(address)`; a context may remember results (the function is pure).
  func normalize(_ address: String, scheme: AddressScheme) throws(LedgerError) -> String
  /// The alpha assets defined for subnet `netuid` (one, in a well-kept ledger).
  func subnetAssets(netuid: Int) throws -> [AssetDefinition]
}

extension OperationContext {
  /// The default: none (a context that knows no subnets).
  public func subnetAssets(netuid: Int) throws -> [AssetDefinition] { [] }

  /// The default: `scheme.normalize(address)`.
  public func normalize(_ address: String, scheme: AddressScheme) throws(LedgerError) -> String {
    try scheme.normalize(address)
  }
}

extension Operation {
  /// The `op` names this build understands (``OperationKind``'s).
  public static let kinds: Set<String> = Set(OperationKind.allCases.map(\.rawValue))

  /// Decodes and normalizes one operation object. Errors follow the contract's precedence:
  /// shape (`invalidOperation`), then asset (`unknownAsset`), amounts, addresses.
  /// `expectError` is accepted only when `allowExpectError` (fixtures) and is ignored here.
  public static func decode(
    _ object: [String: JSONValue], context: some OperationContext, allowExpectError: Bool = false
  ) throws -> Operation {
    guard case .string(let name)? = object["op"] else {
      throw LedgerError(.invalidOperation, "missing or non-string field 'op'")
    }
    guard let kind = OperationKind(rawValue: name) else {
      throw LedgerError(.invalidOperation, "unknown op '\(name.truncatedForMessage)'")
    }
    try checkShape(object, kind: kind, allowExpectError: allowExpectError)
    if kind == .tick && object["height"] == nil && object["time"] == nil {
      throw LedgerError(.invalidOperation, "tick: missing field 'height' or 'time' (one at least)")
    }
    var fields = FieldReader(operation: kind.rawValue, members: object)
    _ = try fields.optionalString("op")
    if allowExpectError { _ = try fields.optionalString("expectError") }
    let id = try fields.optionalString("id")
    if let id, id.isEmpty { throw LedgerError(.invalidOperation, "\(kind): 'id' is empty") }
    if let id, id.utf8.contains(0) {
      // SQLite's text functions (length, comparisons in the shell) stop at a NUL.
      throw LedgerError(.invalidOperation, "\(kind): 'id' contains a NUL character")
    }
    if let id, let problem = UnicodeForm.problem(id) {
      throw LedgerError(.invalidOperation, "\(kind): 'id' \(problem)")
    }
    let height = try fields.optionalInteger("height", in: 0...Limits.heightMax)
    let time = try fields.optionalString("time").map { text throws(LedgerError) in
      guard let seconds = UTCTime.parse(text) else {
        throw LedgerError(
          .invalidOperation,
          "\(kind): time '\(text.truncatedForMessage)' is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SS[.fraction]Z or +00:00)"
        )
      }
      return seconds
    }
    var decoder = ActionDecoder(fields: fields, context: context)
    let action = try decoder.decode(kind)
    try decoder.fields.finish()
    return Operation(id: id, height: height, time: time, action: action)
  }
}

/// Decodes the verb-specific fields, resolving the asset first so that amounts and addresses
/// are normalized with its decimals and scheme.
struct ActionDecoder<Context: OperationContext> {
  var fields: FieldReader
  let context: Context

  mutating func asset() throws -> AssetDefinition {
    let symbol = try fields.requiredString("asset")
    guard let definition = try context.assetDefinition(symbol) else {
      throw LedgerError(
        .unknownAsset, "\(fields.operation): unknown asset '\(symbol.truncatedForMessage)'")
    }
    return definition
  }

  mutating func amount(_ asset: AssetDefinition) throws -> Amount {
    try amountFromText(asset, try fields.amountText("amount")!)
  }

  mutating func address(_ asset: AssetDefinition, _ key: String) throws -> String {
    let text = try fields.requiredString(key)
    do {
      return try context.normalize(text, scheme: asset.addressScheme)
    } catch {
      throw LedgerError(error.code, "\(fields.operation) \(asset.symbol) \(key): \(error.message)")
    }
  }

  /// `shares`: a non-empty array of `{"to", "weight"}` objects, recipients distinct.
  private mutating func shares(_ asset: AssetDefinition) throws -> [Operation.Share] {
    let items = try fields.requiredArray("shares")
    guard (1...Limits.distributeSharesMax).contains(items.count) else {
      throw LedgerError(
        .invalidOperation,
        "distribute: 'shares' must hold 1 to \(Limits.distributeSharesMax) recipients, not \(items.count)"
      )
    }
    var seen: Set<String> = []
    var shares: [Operation.Share] = []
    shares.reserveCapacity(items.count)
    for (index, item) in items.enumerated() {
      var share = FieldReader(
        operation: "distribute shares[\(index)]", members: item.objectValue ?? [:])
      guard item.objectValue != nil else {
        throw LedgerError(.invalidOperation, "distribute: shares[\(index)] is not an object")
      }
      let text = try share.requiredString("to")
      let weight = try ShareWeight(parsing: try share.requiredString("weight"))
      try share.finish()
      let to: String
      do {
        to = try context.normalize(text, scheme: asset.addressScheme)
      } catch {
        throw LedgerError(error.code, "distribute shares[\(index)].to: \(error.message)")
      }
      guard seen.insert(to).inserted else {
        throw LedgerError(.invalidOperation, "distribute: \(to) is a recipient twice")
      }
      shares.append(Operation.Share(to: to, weight: weight))
    }
    return shares
  }

  mutating func rate(_ key: String) throws -> Rate {
    try fields.requiredRate(key)
  }

  mutating func name(_ key: String) throws -> String {
    let text = try fields.requiredString(key)
    guard !text.isEmpty, !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
      throw LedgerError(
        .invalidOperation,
        "\(fields.operation): '\(key)' must be a non-empty name without control characters")
    }
    if let problem = UnicodeForm.problem(text) {
      throw LedgerError(.invalidOperation, "\(fields.operation): '\(key)' \(problem)")
    }
    return text
  }

  mutating func decode(_ kind: OperationKind) throws -> Operation.Action {
    switch kind {
    case .defineAsset:
      return .defineAsset(try AssetDefinition(reading: &fields))
    case .tick:
      let symbol = try fields.optionalString("asset")
      if let symbol, try context.assetDefinition(symbol) == nil {
        throw LedgerError(.unknownAsset, "tick: unknown asset '\(symbol.truncatedForMessage)'")
      }
      return .tick(asset: symbol)
    case .settle:
      let hold = try name("hold")
      guard let symbol = try context.holdAsset(hold),
        let asset = try context.assetDefinition(symbol)
      else { throw LedgerError(.unknownHold, "settle: unknown hold '\(hold.truncatedForMessage)'") }
      let amountText = try fields.amountText("amount", required: false)
      return .settle(hold: hold, amount: try amountText.map { try amountFromText(asset, $0) })
    case .void:
      return .void(hold: try name("hold"))
    case .swap, .convert, .price:
      return try decodeCrossAsset(kind)
    case .stakeIntoSubnet, .unstakeFromSubnet, .moveStake, .transferStake:
      return try decodeSubnet(kind)
    default:
      return try decodeAssetAction(kind, asset: try asset())
    }
  }

  private mutating func decodeAssetAction(_ kind: OperationKind, asset: AssetDefinition) throws
    -> Operation.Action
  {
    let symbol = asset.symbol
    switch kind {
    case .mint:
      let amount = try amount(asset)
      return .mint(asset: symbol, to: try address(asset, "to"), amount: amount)
    case .openingBalance:
      let amount = try amount(asset)
      let to = try address(asset, "to")
      guard let bucket = try fields.optionalString("bucket") else {
        return .openingBalance(asset: symbol, to: to, amount: amount)
      }
      let validator = try address(asset, "validator")
      let position: Operation.OpeningPosition
      switch bucket {
      case "staked": position = .staked(validator: validator)
      case "rewards": position = .rewards(validator: validator)
      case "unbonding":
        let text = try fields.requiredString("matures")
        guard let matures = UTCTime.parse(text) else {
          throw LedgerError(
            .invalidOperation,
            "openingBalance: matures '\(text.truncatedForMessage)' is not RFC 3339 UTC")
        }
        position = .unbonding(validator: validator, maturesTime: matures)
      default:
        throw LedgerError(
          .invalidOperation,
          "openingBalance: bucket '\(bucket.truncatedForMessage)' is not staked, unbonding or rewards (leave it out for available)"
        )
      }
      return .openingPosition(asset: symbol, to: to, amount: amount, position: position)
    case .burn:
      let amount = try amount(asset)
      return .burn(asset: symbol, from: try address(asset, "from"), amount: amount)
    case .transfer:
      let amount = try amount(asset)
      return .transfer(
        asset: symbol, from: try address(asset, "from"), to: try address(asset, "to"),
        amount: amount)
    case .approve:
      let text = try fields.amountText("amount")!
      let allowance: AllowanceAmount =
        text == "unlimited" ? .unlimited : .limited(try amountFromText(asset, text))
      return .approve(
        asset: symbol, owner: try address(asset, "owner"), spender: try address(asset, "spender"),
        amount: allowance)
    case .transferFrom:
      let amount = try amount(asset)
      return .transferFrom(
        asset: symbol, spender: try address(asset, "spender"), from: try address(asset, "from"),
        to: try address(asset, "to"), amount: amount)
    case .burnFrom:
      let amount = try amount(asset)
      return .burnFrom(
        asset: symbol, spender: try address(asset, "spender"), from: try address(asset, "from"),
        amount: amount)
    case .setPaused:
      return .setPaused(asset: symbol, paused: try fields.requiredBool("paused"))
    default:
      return try decodeStakingAction(kind, asset: asset)
    }
  }

  func amountFromText(_ asset: AssetDefinition, _ text: String) throws -> Amount {
    do {
      return try asset.amount(text)
    } catch {
      throw LedgerError(error.code, "\(fields.operation) \(asset.symbol) amount: \(error.message)")
    }
  }

  private mutating func decodeStakingAction(_ kind: OperationKind, asset: AssetDefinition) throws
    -> Operation.Action
  {
    let symbol = asset.symbol
    switch kind {
    case .registerValidator:
      let commission = try rate("commission")
      let maxRate = try fields.optionalRate("maxRate")
      let maxChangeRate = try fields.optionalRate("maxChangeRate")
      return .registerValidator(
        asset: symbol, validator: try address(asset, "validator"),
        operator: try address(asset, "operator"), commission: commission, maxRate: maxRate,
        maxChangeRate: maxChangeRate)
    case .delegate, .undelegate:
      let amount = try amount(asset)
      let delegator = try address(asset, "delegator")
      let validator = try address(asset, "validator")
      return kind == .delegate
        ? .delegate(asset: symbol, delegator: delegator, validator: validator, amount: amount)
        : .undelegate(asset: symbol, delegator: delegator, validator: validator, amount: amount)
    case .redelegate:
      let amount = try amount(asset)
      return .redelegate(
        asset: symbol, delegator: try address(asset, "delegator"), from: try address(asset, "from"),
        to: try address(asset, "to"), amount: amount)
    case .reward:
      let amount = try amount(asset)
      return .reward(asset: symbol, validator: try address(asset, "validator"), amount: amount)
    case .claim:
      return .claim(
        asset: symbol, delegator: try address(asset, "delegator"),
        validator: try address(asset, "validator"))
    case .distribute:
      let amount = try amount(asset)
      let from = try fields.requiredString("from")
      let source: String
      if from.hasPrefix("@") {
        guard Account.systemHolders.contains(from) else {
          throw LedgerError(
            .invalidAddress,
            "distribute: '\(from.truncatedForMessage)' is not a system account (\(Account.systemHolders.sorted().joined(separator: ", ")))"
          )
        }
        source = from
      } else {
        source = try address(asset, "from")
      }
      return .distribute(
        asset: symbol, from: source, amount: amount, shares: try shares(asset))
    case .slash:
      let fraction = try rate("fraction")
      return .slash(asset: symbol, validator: try address(asset, "validator"), fraction: fraction)
    case .hold:
      let amount = try amount(asset)
      let expires = try fields.optionalString("expires").map { text throws(LedgerError) in
        guard let seconds = UTCTime.parse(text) else {
          throw LedgerError(
            .invalidOperation,
            "hold: expires '\(text.truncatedForMessage)' is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SS[.fraction]Z or +00:00)"
          )
        }
        return seconds
      }
      return .hold(
        asset: symbol, from: try address(asset, "from"), to: try address(asset, "to"),
        amount: amount, hold: try name("hold"), expires: expires)
    default:
      preconditionFailure("op '\(kind)' is decoded by decode(_:) or decodeAssetAction")
    }
  }
}
