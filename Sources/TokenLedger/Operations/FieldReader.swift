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

  private mutating func take(_ key: String) -> JSONValue? {
    if !used.contains(key) { used.append(key) }
    guard let value = members[key], value != .null else { return nil }
    return value
  }

  mutating func optionalString(_ key: String) throws(LedgerError) -> String? {
    guard let value = take(key) else { return nil }
    guard case .string(let text) = value else {
      throw LedgerError(
        .invalidOperation, "\(operation): '\(key)' must be a string, not \(value.typeName)")
    }
    guard text.utf8.count <= Limits.nameBytesMax || key == "amount" else {
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
    guard let value = take(key) else {
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
    guard let value = take(key) else { return nil }
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
    guard case .bool(let flag)? = take(key) else {
      throw LedgerError(.invalidOperation, "\(operation): '\(key)' must be true or false")
    }
    return flag
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
