extension Operation {
  /// The canonical JSON object of this operation, in the form `apply` reads: amounts in token
  /// units of an asset with `decimals` decimals (the operation's asset; its hold's for settle),
  /// times in ISO-8601. Equal operations give equal objects, which idempotency compares.
  public func jsonObject(decimals: Int) -> JSONValue {
    .object(Dictionary(jsonFields(decimals: decimals)) { first, _ in first })
  }

  /// The canonical JSON object of an operation that names several assets (`swap`,
  /// `convert`): `decimals` gives each named asset's decimals (`namedAssets`).
  public func jsonObject(decimals: [String: Int]) -> JSONValue {
    let primary = assetSymbol.flatMap { decimals[$0] } ?? Subnet.decimals
    return .object(
      Dictionary(jsonFields(decimals: primary, others: decimals)) { first, _ in first })
  }

  /// The members of ``jsonObject(decimals:)-(Int)``, each key once, in no particular order: a list,
  /// not a dictionary, because this runs for every operation applied (hashing and merging
  /// dictionaries was 12 % of batch apply).
  func jsonFields(decimals: Int, others: [String: Int] = [:]) -> [(String, JSONValue)] {
    var fields: [(String, JSONValue)] = [("op", .string(kind.rawValue))]
    fields.reserveCapacity(8)
    if let id { fields.append(("id", .string(id))) }
    if let height { fields.append(("height", .number(String(height)))) }
    if let time { fields.append(("time", .string(UTCTime.format(time)))) }
    func amount(_ value: Amount) -> JSONValue { .string(value.formatted(decimals: decimals)) }
    switch action {
    case .defineAsset(let definition):
      for (key, value) in definition.jsonFields where !fields.contains(where: { $0.0 == key }) {
        fields.append((key, value))
      }
    case .mint(let asset, let to, let value), .openingBalance(let asset, let to, let value):
      fields += [("asset", .string(asset)), ("to", .string(to)), ("amount", amount(value))]
    case .openingPosition(let asset, let to, let value, let position):
      fields += [
        ("asset", .string(asset)), ("to", .string(to)), ("amount", amount(value)),
        ("bucket", .string(position.bucketName)), ("validator", .string(position.validator)),
      ]
      if case .unbonding(_, let matures) = position {
        fields.append(("matures", .string(UTCTime.format(matures))))
      }
    case .burn(let asset, let from, let value):
      fields += [("asset", .string(asset)), ("from", .string(from)), ("amount", amount(value))]
    case .transfer(let asset, let from, let to, let value):
      fields += [
        ("asset", .string(asset)), ("from", .string(from)), ("to", .string(to)),
        ("amount", amount(value)),
      ]
    case .approve(let asset, let owner, let spender, let value):
      fields += [
        ("asset", .string(asset)), ("owner", .string(owner)), ("spender", .string(spender)),
        ("amount", .string(value.formatted(decimals: decimals))),
      ]
    case .transferFrom(let asset, let spender, let from, let to, let value):
      fields += [
        ("asset", .string(asset)), ("spender", .string(spender)), ("from", .string(from)),
        ("to", .string(to)), ("amount", amount(value)),
      ]
    case .burnFrom(let asset, let spender, let from, let value):
      fields += [
        ("asset", .string(asset)), ("spender", .string(spender)), ("from", .string(from)),
        ("amount", amount(value)),
      ]
    case .setPaused(let asset, let paused):
      fields += [("asset", .string(asset)), ("paused", .bool(paused))]
    case .tick(let asset):
      if let asset { fields.append(("asset", .string(asset))) }
    case .swap, .convert, .price, .stakeIntoSubnet, .unstakeFromSubnet, .moveStake,
      .transferStake:
      fields += crossAssetFields(decimals: others)
    default:
      fields += stakingFields(amount: amount)
    }
    return fields
  }

  private func stakingFields(amount: (Amount) -> JSONValue) -> [(String, JSONValue)] {
    switch action {
    case .registerValidator(
      let asset, let validator, let operatorAddress, let commission, let maxRate, let maxChangeRate):
      var fields: [(String, JSONValue)] = [
        ("asset", .string(asset)), ("validator", .string(validator)),
        ("operator", .string(operatorAddress)), ("commission", .string(commission.description)),
      ]
      if let maxRate { fields.append(("maxRate", .string(maxRate.description))) }
      if let maxChangeRate { fields.append(("maxChangeRate", .string(maxChangeRate.description))) }
      return fields
    case .delegate(let asset, let delegator, let validator, let value),
      .undelegate(let asset, let delegator, let validator, let value):
      return [
        ("asset", .string(asset)), ("delegator", .string(delegator)),
        ("validator", .string(validator)), ("amount", amount(value)),
      ]
    case .redelegate(let asset, let delegator, let from, let to, let value):
      return [
        ("asset", .string(asset)), ("delegator", .string(delegator)), ("from", .string(from)),
        ("to", .string(to)), ("amount", amount(value)),
      ]
    case .reward(let asset, let validator, let value):
      return [
        ("asset", .string(asset)), ("validator", .string(validator)), ("amount", amount(value)),
      ]
    case .distribute(let asset, let from, let value, let shares):
      return [
        ("asset", .string(asset)), ("from", .string(from)), ("amount", amount(value)),
        (
          "shares",
          .array(
            shares.map {
              .object(["to": .string($0.to), "weight": .string($0.weight.description)])
            })
        ),
      ]
    case .claim(let asset, let delegator, let validator):
      return [
        ("asset", .string(asset)), ("delegator", .string(delegator)),
        ("validator", .string(validator)),
      ]
    case .slash(let asset, let validator, let fraction):
      return [
        ("asset", .string(asset)), ("validator", .string(validator)),
        ("fraction", .string(fraction.description)),
      ]
    case .hold(let asset, let from, let to, let value, let hold, let expires):
      var fields: [(String, JSONValue)] = [
        ("asset", .string(asset)), ("from", .string(from)), ("to", .string(to)),
        ("amount", amount(value)), ("hold", .string(hold)),
      ]
      if let expires { fields.append(("expires", .string(UTCTime.format(expires)))) }
      return fields
    case .settle(let hold, let value):
      var fields: [(String, JSONValue)] = [("hold", .string(hold))]
      if let value { fields.append(("amount", amount(value))) }
      return fields
    case .void(let hold):
      return [("hold", .string(hold))]
    default:
      preconditionFailure("\(kind) is encoded by jsonObject(decimals:)")
    }
  }

  /// The canonical JSON text of ``jsonObject(decimals:)-(Int)``.
  public func canonicalPayload(decimals: Int) -> String {
    CanonicalJSON.encode(members: jsonFields(decimals: decimals))
  }

  /// The canonical JSON text of an operation whose named assets have `others` decimals.
  func canonicalPayload(decimals: Int, others: [String: Int]) -> String {
    CanonicalJSON.encode(members: jsonFields(decimals: decimals, others: others))
  }

  /// The canonical JSON without the id: what a format-2 journal stores as the payload.
  func canonicalPayloadWithoutId(decimals: Int, others: [String: Int] = [:]) -> String {
    CanonicalJSON.encode(
      members: jsonFields(decimals: decimals, others: others).filter { $0.0 != "id" })
  }
}
