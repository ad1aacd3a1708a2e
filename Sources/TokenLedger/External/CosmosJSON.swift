import BigInt

/// Field access on an export's JSON with the path of each value in its errors; addresses are
/// read in the canonical form of the asset's scheme.
struct CosmosJSON {
  let root: JSONValue
  let path: String
  let scheme: AddressScheme

  /// The value at `root` of this reader's object, read under `path` (`null` when absent).
  func child(_ root: JSONValue?, _ path: String) -> CosmosJSON {
    CosmosJSON(root: root ?? .null, path: path, scheme: scheme)
  }

  private func value(_ keys: [String]) -> JSONValue? {
    var current: JSONValue? = root
    for key in keys { current = current?[key] }
    return current
  }

  private func place(_ keys: [String]) -> String { "\(path).\(keys.joined(separator: "."))" }

  private func fail(_ keys: [String], _ what: String) -> LedgerError {
    LedgerError(.invalidOperation, "\(place(keys)) \(what)")
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

  /// An address in its canonical form; one the scheme refuses is `invalidAddress` naming
  /// the field.
  func optionalAddress(_ keys: [String]) throws -> String? {
    guard let text = try optionalString(keys) else { return nil }
    do {
      return try scheme.normalize(text)
    } catch {
      throw LedgerError(.invalidAddress, "\(place(keys)): \(error.message)")
    }
  }

  func address(_ keys: [String]) throws -> String {
    guard let text = try optionalAddress(keys) else { throw fail(keys, "is missing") }
    return text
  }

  func integer(_ keys: [String]) throws -> BigInt {
    guard let value = Self.natural(try string(keys)) else {
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
    // Periods, heights and counts: never below zero (a period of -2^63 once crashed the
    // rewards computation).
    guard let text, let value = Int64(text), value >= 0 else {
      throw fail(keys, "is not a non-negative integer")
    }
    return value
  }

  /// A non-negative `sdk.Dec` (shares, stakes and fractions are never below zero: a negative
  /// share would let another delegation hold more than its validator's tokens).
  func dec(_ keys: [String]) throws -> CosmosDec {
    let text = try string(keys)
    guard let value = CosmosDec(text) else { throw fail(keys, "is not a decimal") }
    guard value.scaled >= 0 else {
      throw fail(keys, "'\(text.truncatedForMessage)' is negative")
    }
    return value
  }

  /// The one `{denom, amount}` of `denom` in the coin list at `keys`, nil when it has none; a
  /// denomination twice or an amount that is not a non-negative integer is refused.
  func statedCoin(_ keys: [String], _ denom: String) throws -> BigInt? {
    guard let text = try coinText(keys, denom) else { return nil }
    guard let value = Self.natural(text) else {
      throw fail(keys, "holds \(denom) '\(text.truncatedForMessage)', not an integer")
    }
    return value
  }

  /// The amount of `denom` in the coin list at `keys` (0 when it has none).
  func coin(_ keys: [String], _ denom: String) throws -> BigInt {
    try statedCoin(keys, denom) ?? 0
  }

  /// The `DecCoin` of `denom` in the list at `keys`; `null`, absent or without it is zero.
  func decCoin(_ keys: [String], _ denom: String) throws -> CosmosDec {
    guard let text = try coinText(keys, denom) else { return .zero }
    guard let value = CosmosDec(text) else {
      throw fail(keys, "holds \(denom) '\(text.truncatedForMessage)', not a decimal")
    }
    guard value.scaled >= 0 else {
      throw fail(keys, "holds \(denom) '\(text.truncatedForMessage)', a negative amount")
    }
    return value
  }

  private func coinText(_ keys: [String], _ denom: String) throws -> String? {
    var found: String?
    for coin in try array(keys) where coin["denom"]?.stringValue == denom {
      guard found == nil else { throw fail(keys, "holds \(denom) twice") }
      guard let text = coin["amount"]?.stringValue else {
        throw fail(keys, "holds \(denom) without an amount")
      }
      found = text
    }
    return found
  }

  /// An `sdk.Int` that is never negative: ASCII digits only (no sign, no space, no `+`).
  static func natural(_ text: String) -> BigInt? {
    guard !text.isEmpty, text.utf8.allSatisfy(DecimalText.isDigit) else { return nil }
    return BigInt(text)
  }
}
