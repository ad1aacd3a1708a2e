/// Reads the fields of one JSON operation object, remembering which it used so that
/// ``finish()`` can reject any field the operation does not take (`invalidOperation`).
struct FieldReader {
  let operation: String
  private let members: [String: JSONValue]
  /// The keys read so far: a handful per operation, so a list beats a set's hashing.
  private var used: [String] = []

  init(operation: String, members: [String: JSONValue]) {
    self.operation = operation
    self.members = members
  }

  /// The value of `key`, or `nil` when the key is absent. A JSON `null` is present and
  /// invalid, never absent: `invalidAmount` for an amount field, else `invalidOperation`.
  private mutating func take(_ key: String) throws(LedgerError) -> JSONValue? {
    if !used.contains(key) { used.append(key) }
    guard let value = members[key] else { return nil }
    guard value != .null else { throw Self.nullError(operation: operation, key: key) }
    return value
  }

  /// The error for a field given as JSON `null`.
  static func nullError(operation: String, key: String) -> LedgerError {
    LedgerError(
      Operation.amountFields.contains(key) && !(key == "fee" && operation.hasPrefix("swap"))
        ? .invalidAmount : .invalidOperation,
      "\(operation): '\(key.truncatedForMessage)' is null (leave a field out, never null)")
  }

  mutating func optionalString(_ key: String) throws(LedgerError) -> String? {
    guard let value = try take(key) else { return nil }
    guard case .string(let text) = value else {
      throw LedgerError(
        .invalidOperation, "\(operation): '\(key)' must be a string, not \(value.typeName)")
    }
    // Amounts, rates and prices are refused by their own parsers, with their own codes.
    guard text.utf8.count <= Limits.nameBytesMax || ["amount", "rate", "price"].contains(key)
    else {
      throw LedgerError(
        .invalidOperation, "\(operation): '\(key)' is longer than \(Limits.nameBytesMax) bytes")
    }
    return text
  }

  mutating func requiredString(_ key: String) throws(LedgerError) -> String {
    guard let text = try optionalString(key) else {
      throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'")
    }
    return text
  }

  /// An amount field: must be a JSON string; a JSON number is `invalidAmount`.
  mutating func amountText(_ key: String, required: Bool = true) throws(LedgerError) -> String? {
    guard let value = try take(key) else {
      if required { throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'") }
      return nil
    }
    guard case .string(let text) = value else {
      throw LedgerError(
        .invalidAmount,
        "\(operation): '\(key)' must be a decimal string like \"12.5\", not \(value.typeName)")
    }
    guard text.utf8.count <= 200 else {
      throw LedgerError(.invalidAmount, "\(operation): '\(key)' is not a decimal amount")
    }
    return text
  }

  mutating func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(LedgerError)
    -> Int64?
  {
    guard let value = try take(key) else { return nil }
    guard case .number(let text) = value, let integer = Int64(text), range.contains(integer) else {
      throw LedgerError(
        .invalidOperation,
        "\(operation): '\(key)' must be an integer in \(range.lowerBound)...\(range.upperBound)")
    }
    return integer
  }

  mutating func requiredInteger(_ key: String, in range: ClosedRange<Int64>) throws(LedgerError)
    -> Int64
  {
    guard let integer = try optionalInteger(key, in: range) else {
      throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'")
    }
    return integer
  }

  mutating func requiredBool(_ key: String) throws(LedgerError) -> Bool {
    guard case .bool(let flag)? = try take(key) else {
      throw LedgerError(.invalidOperation, "\(operation): '\(key)' must be true or false")
    }
    return flag
  }

  /// A rate (commission, slash fraction, commission limits): a JSON string, else `invalidRate`.
  mutating func optionalRate(_ key: String) throws(LedgerError) -> Rate? {
    guard let value = try take(key) else { return nil }
    guard case .string(let text) = value else {
      throw LedgerError(
        .invalidRate,
        "\(operation): '\(key)' must be a decimal string like \"0.05\", not \(value.typeName)")
    }
    do {
      return try Rate(parsing: text)
    } catch {
      throw LedgerError(error.code, "\(operation) \(key): \(error.message)")
    }
  }

  mutating func requiredRate(_ key: String) throws(LedgerError) -> Rate {
    guard let rate = try optionalRate(key) else {
      throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'")
    }
    return rate
  }

  /// An array field.
  mutating func requiredArray(_ key: String) throws(LedgerError) -> [JSONValue] {
    guard let value = try take(key) else {
      throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'")
    }
    guard case .array(let items) = value else {
      throw LedgerError(.invalidOperation, "\(operation): '\(key)' must be an array")
    }
    return items
  }

  /// A field of any JSON type that must be present.
  mutating func requiredValue(_ key: String) throws(LedgerError) -> JSONValue {
    guard let value = try take(key) else {
      throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'")
    }
    return value
  }

  /// An array field, or nil when absent.
  mutating func optionalArray(_ key: String) throws(LedgerError) -> [JSONValue]? {
    guard try take(key) != nil else { return nil }
    return try requiredArray(key)
  }

  /// An object field, or nil when absent.
  mutating func optionalObject(_ key: String) throws(LedgerError) -> [String: JSONValue]? {
    guard let value = try take(key) else { return nil }
    guard case .object(let members) = value else {
      throw LedgerError(.invalidOperation, "\(operation): '\(key)' must be an object")
    }
    return members
  }

  /// An object field that must be present.
  mutating func requiredObject(_ key: String) throws(LedgerError) -> [String: JSONValue] {
    guard let members = try optionalObject(key) else {
      throw LedgerError(.invalidOperation, "\(operation): missing field '\(key)'")
    }
    return members
  }

  /// Rejects any field that was not read.
  func finish() throws(LedgerError) {
    let extra = members.keys.filter { !used.contains($0) }.sorted()
    if let first = extra.first {
      throw LedgerError(
        .invalidOperation, "\(operation): unknown field '\(first.truncatedForMessage)'")
    }
  }
}
