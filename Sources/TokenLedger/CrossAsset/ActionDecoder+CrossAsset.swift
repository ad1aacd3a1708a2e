/// Decoding of the operations that name several assets (`swap`, `convert`) and of `price`
/// (contract, "Cross-asset entries"). An address is normalised in the scheme of every asset it
/// holds, and must read the same in each.
extension ActionDecoder {
  mutating func decodeCrossAsset(_ kind: OperationKind) throws -> Operation.Action {
    switch kind {
    case .swap:
      let pool = try poolAccount()
      let give = try assetAmount("give")
      let get = try assetAmount("get")
      // A fee of 0 is no fee: the same swap with or without it is one operation.
      let fee = try fields.optionalObject("fee").map { try assetAmount(members: $0, "fee") }
        .flatMap { $0.value.amount.isZero ? nil : $0 }
      guard give.definition.symbol != get.definition.symbol else {
        throw LedgerError(
          .invalidOperation, "swap: 'give' and 'get' are both \(give.definition.symbol)")
      }
      var schemes = [give.definition, get.definition]
      if let fee { schemes.append(fee.definition) }
      let trader = try address("trader", in: schemes)
      return .swap(
        pool: pool, trader: trader, give: give.value, get: get.value, fee: fee?.value)
    case .convert:
      let from = try assetAmount("from")
      var target = FieldReader(operation: "convert to", members: try fields.requiredObject("to"))
      let symbol = try target.requiredString("asset")
      try target.finish()
      guard let to = try context.assetDefinition(symbol) else {
        throw LedgerError(.unknownAsset, "convert: unknown asset '\(symbol.truncatedForMessage)'")
      }
      guard to.symbol != from.definition.symbol else {
        throw LedgerError(.invalidOperation, "convert: 'from' and 'to' are both \(to.symbol)")
      }
      let rateText = try fields.requiredString("rate")
      let rate = try ExactDecimal(parsing: rateText, what: "convert: rate", code: .invalidRate)
      guard !rate.isZero else {
        throw LedgerError(.invalidRate, "convert: a rate of 0 converts nothing")
      }
      let holder = try address("holder", in: [from.definition, to])
      return .convert(holder: holder, from: from.value, to: to.symbol, rate: rate)
    case .price:
      let asset = try asset()
      let unit = try fields.requiredString("in")
      if try context.assetDefinition(unit) == nil {
        guard PriceBook.isCurrencyCode(unit) else {
          throw LedgerError(
            .unknownAsset,
            "price: 'in' \(unit.truncatedForMessage) is neither a defined asset nor an ISO 4217 code"
          )
        }
      }
      guard unit != asset.symbol else {
        throw LedgerError(.invalidOperation, "price: \(asset.symbol) priced in itself")
      }
      let text = try fields.requiredString("price")
      let price = try ExactDecimal(parsing: text, what: "price: price", code: .invalidAmount)
      return .price(asset: asset.symbol, in: unit, price: price)
    default:
      preconditionFailure("op '\(kind)' is not a cross-asset operation")
    }
  }

  /// `pool`: a system account (`@…`) other than the ledger's own.
  private mutating func poolAccount() throws -> String {
    let pool = try fields.requiredString("pool")
    guard pool.hasPrefix("@"), pool.utf8.count >= 2, pool.utf8.count <= Limits.nameBytesMax,
      !pool.utf8.contains(where: { $0 < 0x21 || $0 == 0x7F || $0 == UInt8(ascii: "/") })
    else {
      throw LedgerError(
        .invalidAddress,
        "swap: pool '\(pool.truncatedForMessage)' is not a system account name ('@' and printable characters)"
      )
    }
    let folded = pool.lowercased()
    guard !Account.reservedHolders.contains(folded), !folded.hasPrefix("@subnet:") else {
      throw LedgerError(
        .invalidAddress, "swap: \(pool) is the ledger's own account, not a pool")
    }
    return pool
  }

  /// `{"asset", "amount"}` under `key`, the amount above zero in the asset's decimals.
  private mutating func assetAmount(_ key: String) throws -> (
    definition: AssetDefinition, value: Operation.AssetAmount
  ) {
    try assetAmount(members: try fields.requiredObject(key), key)
  }

  private func assetAmount(members: [String: JSONValue], _ key: String) throws -> (
    definition: AssetDefinition, value: Operation.AssetAmount
  ) {
    let operation = "\(fields.operation) \(key)"
    var reader = FieldReader(operation: operation, members: members)
    let symbol = try reader.requiredString("asset")
    guard let definition = try context.assetDefinition(symbol) else {
      throw LedgerError(
        .unknownAsset, "\(operation): unknown asset '\(symbol.truncatedForMessage)'")
    }
    let text = try reader.amountText("amount")!
    try reader.finish()
    let amount: Amount
    do {
      amount = try definition.amount(text)
    } catch {
      throw LedgerError(error.code, "\(operation) \(symbol) amount: \(error.message)")
    }
    guard !amount.isZero || key == "fee" else {
      throw LedgerError(.invalidAmount, "\(operation): an amount of 0 \(symbol) moves nothing")
    }
    return (definition, Operation.AssetAmount(asset: symbol, amount: amount))
  }

  /// The address under `key` in the canonical form of each asset's scheme, which must agree.
  mutating func address(_ key: String, in assets: [AssetDefinition]) throws -> String {
    let text = try fields.requiredString(key)
    var canonical: String?
    for asset in assets {
      let form: String
      do {
        form = try context.normalize(text, scheme: asset.addressScheme)
      } catch {
        throw LedgerError(
          error.code, "\(fields.operation) \(asset.symbol) \(key): \(error.message)")
      }
      if let canonical, canonical != form {
        throw LedgerError(
          .invalidAddress,
          "\(fields.operation): \(key) \(text.truncatedForMessage) reads as \(canonical) and as \(form) in \(asset.symbol)'s scheme"
        )
      }
      canonical = form
    }
    return canonical!
  }
}
