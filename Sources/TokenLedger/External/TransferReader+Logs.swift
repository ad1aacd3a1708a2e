/// `eth_getLogs` results (camelCase, hex quantities) and ethereum-etl's normalized logs
/// (snake_case, decimal numbers, topics as an array or one comma-separated string).
extension TransferReader {
  func readLogs(
    skipped: inout [SkipReason: Int], problem: (SourceError) throws -> Bool,
    _ body: (TransferRecord) throws -> Void
  ) throws {
    let contract = try requireContract()
    try forEachObject(problem: problem) { object, location in
      switch try decodeLog(object, contract: contract, location: location) {
      case .transfer(let record): try body(record)
      case .skip(let reason): skipped[reason, default: 0] += 1
      }
    }
  }

  enum LogOutcome {
    case transfer(TransferRecord)
    case skip(SkipReason)
  }

  /// One log as a transfer or a reason to skip it. `skippingOtherShapes` skips a `Transfer`
  /// of neither the ERC-20 nor the ERC-721 shape (`sync`, where a node's answer is not the
  /// user's file to mend) instead of refusing it.
  func decodeLog(
    _ log: [String: JSONValue], contract: String, location: String,
    skippingOtherShapes: Bool = false
  ) throws(SourceError) -> LogOutcome {
    func field(_ camel: String, _ snake: String) -> JSONValue? { log[camel] ?? log[snake] }
    func fail(_ reason: String, _ code: ErrorCode = .invalidOperation) -> SourceError {
      SourceError(location: location, code: code, reason: reason)
    }
    let topics: [String]
    switch log["topics"] {
    case .array(let items)?: topics = items.compactMap(\.stringValue)
    case .string(let text)?:
      topics = text.isEmpty ? [] : text.split(separator: ",").map(String.init)
    default: throw fail("'topics' is missing")
    }
    guard topics.first?.lowercased() == Self.transferTopic else { return .skip(.notTransferEvent) }
    guard let emitter = field("address", "address")?.stringValue?.lowercased() else {
      throw fail("'address' is missing")
    }
    guard emitter == contract else { return .skip(.otherContract) }
    if case .bool(true)? = log["removed"] { return .skip(.removed) }
    guard let data = field("data", "data")?.stringValue else { throw fail("'data' is missing") }
    if topics.count == 4 { return .skip(.nonFungibleTransfer) }
    if skippingOtherShapes,
      topics.count != 3 || data.utf8.count != 66
        || topics[1...].contains(where: { (try? EthHex.topicAddress($0, location)) == nil })
    {
      return .skip(.otherTransferShape)
    }
    guard topics.count == 3 else {
      throw fail("a Transfer log has \(topics.count) topics, expected 3")
    }
    guard let value = EthHex.uint(data), data.count == 66 else {
      throw fail("'data' is not a 32-byte hex word: \(data.truncatedForMessage)")
    }
    guard let amount = value else {
      throw fail("the value exceeds 2^128 - 1 base units", .amountOverflow)
    }
    let from = try address(try EthHex.topicAddress(topics[1], location), location, "from")
    let to = try address(try EthHex.topicAddress(topics[2], location), location, "to")
    guard let hash = field("transactionHash", "transaction_hash")?.stringValue, EthHex.isHash(hash)
    else {
      throw fail("'transactionHash' is missing or not a 32-byte hex hash")
    }
    guard let logIndex = try EthHex.quantity(field("logIndex", "log_index"), location, "logIndex")
    else {
      throw fail("'logIndex' is missing")
    }
    let block = try EthHex.quantity(
      field("blockNumber", "block_number"), location, "blockNumber", max: Limits.heightMax)
    let time = try EthHex.quantity(
      field("timeStamp", "block_timestamp"), location, "timestamp",
      max: UTCTime.secondsRange.upperBound)
    return .transfer(
      TransferRecord(
        id: "\(hash.lowercased()):\(logIndex)", from: from, to: to,
        amount: Amount(baseUnits: amount), block: block,
        time: time))
  }
}

/// Ethereum's hex encodings.
enum EthHex {
  /// A hex word as a `UInt128`: nil when not hex; `.some(nil)` when it exceeds 128 bits.
  static func uint(_ text: String) -> UInt128?? {
    let bytes = Array(text.utf8)
    guard bytes.count > 2, bytes[0] == UInt8(ascii: "0"),
      bytes[1] == UInt8(ascii: "x") || bytes[1] == UInt8(ascii: "X")
    else { return nil }
    var value: UInt128 = 0
    var overflow = false
    for byte in bytes[2...] {
      guard let digit = hexDigit(byte) else { return nil }
      if value >> 124 != 0 { overflow = true }
      value = value << 4 | UInt128(digit)
    }
    return .some(overflow ? nil : value)
  }

  static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 48...57: byte - 48
    case 97...102: byte - 87
    case 65...70: byte - 55
    default: nil
    }
  }

  static func isHash(_ text: String) -> Bool {
    text.utf8.count == 66 && text.hasPrefix("0x")
      && text.utf8.dropFirst(2).allSatisfy { hexDigit($0) != nil }
  }

  /// The address in the low 20 bytes of a 32-byte topic, lower-case `0x…`.
  static func topicAddress(_ topic: String, _ location: String) throws(SourceError) -> String {
    guard isHash(topic), topic.utf8.dropFirst(2).prefix(24).allSatisfy({ $0 == UInt8(ascii: "0") })
    else {
      throw SourceError(
        location: location, code: .invalidAddress,
        reason: "topic \(topic.truncatedForMessage) is not an address")
    }
    return "0x" + topic.suffix(40).lowercased()
  }

  /// A quantity given as a JSON number, a decimal string, or a 0x-hex string.
  /// A quantity above `max` is refused, naming it (a block above ``Limits/heightMax``).
  static func quantity(
    _ value: JSONValue?, _ location: String, _ name: String, max: Int64 = Int64.max
  ) throws(SourceError) -> Int64? {
    guard let parsed = try anyQuantity(value, location, name) else { return nil }
    guard parsed <= max else {
      throw SourceError(
        location: location, code: .invalidOperation,
        reason: "'\(name)' \(parsed) is above the largest the ledger takes (\(max))")
    }
    return parsed
  }

  private static func anyQuantity(_ value: JSONValue?, _ location: String, _ name: String)
    throws(SourceError) -> Int64?
  {
    let text: String
    switch value {
    case nil, .null?: return nil
    case .number(let number)?: text = number
    case .string(let string)?: text = string
    default:
      throw SourceError(
        location: location, code: .invalidOperation, reason: "'\(name)' is not a quantity")
    }
    if text.hasPrefix("0x") {
      guard case .some(.some(let parsed)) = uint(text), parsed <= UInt128(Int64.max) else {
        throw SourceError(
          location: location, code: .invalidOperation, reason: "'\(name)' is not a hex quantity")
      }
      return Int64(parsed)
    }
    guard let parsed = Int64(text), parsed >= 0 else {
      throw SourceError(
        location: location, code: .invalidOperation, reason: "'\(name)' is not a quantity")
    }
    return parsed
  }
}
