extension Operation {
  /// The canonical JSON object of this operation, in the form `apply` reads: amounts in token
  /// units of an asset with `decimals` decimals (the operation's asset; its hold's for settle),
  /// times in ISO-8601. Equal operations give equal objects, which idempotency compares.
  public func jsonObject(decimals: Int) -> JSONValue {
    var fields: [String: JSONValue] = ["op": .string(kind)]
    if let id { fields["id"] = .string(id) }
    if let height { fields["height"] = .number(String(height)) }
    if let time { fields["time"] = .string(UTCTime.format(time)) }
    func amount(_ value: Amount) -> JSONValue { .string(value.formatted(decimals: decimals)) }
    switch action {
    case .defineAsset(let definition):
      fields.merge(definition.jsonFields) { first, _ in first }
    case .mint(let asset, let to, let value):
      fields.merge(["asset": .string(asset), "to": .string(to), "amount": amount(value)]) { a, _ in
        a
      }
    case .openingBalance(let asset, let to, let value):
      fields.merge(["asset": .string(asset), "to": .string(to), "amount": amount(value)]) { a, _ in
        a
      }
    case .burn(let asset, let from, let value):
      fields.merge(["asset": .string(asset), "from": .string(from), "amount": amount(value)]) {
        a, _ in a
      }
    case .transfer(let asset, let from, let to, let value):
      fields.merge([
        "asset": .string(asset), "from": .string(from), "to": .string(to), "amount": amount(value),
      ]) { a, _ in a }
    case .approve(let asset, let owner, let spender, let value):
      fields.merge([
        "asset": .string(asset), "owner": .string(owner), "spender": .string(spender),
        "amount": .string(value.formatted(decimals: decimals)),
      ]) { a, _ in a }
    case .transferFrom(let asset, let spender, let from, let to, let value):
      fields.merge([
        "asset": .string(asset), "spender": .string(spender), "from": .string(from),
        "to": .string(to), "amount": amount(value),
      ]) { a, _ in a }
    case .burnFrom(let asset, let spender, let from, let value):
      fields.merge([
        "asset": .string(asset), "spender": .string(spender), "from": .string(from),
        "amount": amount(value),
      ]) { a, _ in a }
    case .setPaused(let asset, let paused):
      fields.merge(["asset": .string(asset), "paused": .bool(paused)]) { a, _ in a }
    case .tick(let asset):
      if let asset { fields["asset"] = .string(asset) }
    default:
      fields.merge(stakingFields(amount: amount)) { a, _ in a }
    }
    return .object(fields)
  }

  private func stakingFields(amount: (Amount) -> JSONValue) -> [String: JSONValue] {
    switch action {
    case .registerValidator(let asset, let validator, let operatorAddress, let commission):
      return [
        "asset": .string(asset), "validator": .string(validator),
        "operator": .string(operatorAddress), "commission": .string(commission.description),
      ]
    case .delegate(let asset, let delegator, let validator, let value),
      .undelegate(let asset, let delegator, let validator, let value):
      return [
        "asset": .string(asset), "delegator": .string(delegator),
        "validator": .string(validator), "amount": amount(value),
      ]
    case .redelegate(let asset, let delegator, let from, let to, let value):
      return [
        "asset": .string(asset), "delegator": .string(delegator), "from": .string(from),
        "to": .string(to), "amount": amount(value),
      ]
    case .reward(let asset, let validator, let value):
      return ["asset": .string(asset), "validator": .string(validator), "amount": amount(value)]
    case .claim(let asset, let delegator, let validator):
      return [
        "asset": .string(asset), "delegator": .string(delegator), "validator": .string(validator),
      ]
    case .slash(let asset, let validator, let fraction):
      return [
        "asset": .string(asset), "validator": .string(validator),
        "fraction": .string(fraction.description),
      ]
    case .hold(let asset, let from, let to, let value, let hold, let expires):
      var fields: [String: JSONValue] = [
        "asset": .string(asset), "from": .string(from), "to": .string(to),
        "amount": amount(value), "hold": .string(hold),
      ]
      if let expires { fields["expires"] = .string(UTCTime.format(expires)) }
      return fields
    case .settle(let hold, let value):
      var fields: [String: JSONValue] = ["hold": .string(hold)]
      if let value { fields["amount"] = amount(value) }
      return fields
    case .void(let hold):
      return ["hold": .string(hold)]
    default:
      preconditionFailure("\(kind) is encoded by jsonObject(decimals:)")
    }
  }

  /// The canonical JSON text of ``jsonObject(decimals:)``.
  public func canonicalPayload(decimals: Int) -> String {
    CanonicalJSON.encode(jsonObject(decimals: decimals))
  }
}
