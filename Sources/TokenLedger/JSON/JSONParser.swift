/// A strict RFC 8259 parser over UTF-8 bytes. Strict where a ledger needs it: invalid UTF-8,
/// duplicate keys, nesting deeper than ``depthMax``, and trailing data are errors (a hostile
/// file cannot overflow the stack or smuggle a second value for a key).
public struct JSONParser {
  /// The deepest nesting accepted.
  public static let depthMax = 64

  /// Where and why a text is not JSON.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// The byte offset of the problem.
    public let offset: Int
    /// What is wrong there.
    public let reason: String
    /// `invalid JSON at byte N: reason`.
    public var description: String { "invalid JSON at byte \(offset + 1): \(reason)" }
  }

  private let bytes: [UInt8]
  private var index = 0

  private init(bytes: [UInt8]) { self.bytes = bytes }

  /// Parses one complete JSON document.
  public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else {
      throw parser.failure("unexpected data after the value")
    }
    return value
  }

  /// Parses a JSON text.
  public static func parse(_ text: String) throws(Failure) -> JSONValue {
    try parse(Array(text.utf8))
  }

  private func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
    guard depth < Self.depthMax else { throw failure("nested deeper than \(Self.depthMax) levels") }
    guard index < bytes.count else { throw failure("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw failure("unexpected character")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
    let count = literal.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw failure("unexpected end of input") }
    for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
      throw failure("invalid literal")
    }
    index += count
  }

  private mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
    index += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw failure("expected a key string")
      }
      let keyOffset = index
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw failure("expected ':'")
      }
      index += 1
      skipWhitespace()
      let value = try parseValue(depth: depth + 1)
      guard members.updateValue(value, forKey: key) == nil else {
        throw Failure(offset: keyOffset, reason: "duplicate key '\(key.truncatedForMessage)'")
      }
      skipWhitespace()
      guard index < bytes.count else { throw failure("unexpected end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
      index += 1
      return .object(members)
    }
  }

  private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
    index += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.count else { throw failure("unexpected end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
      index += 1
      return .array(items)
    }
  }

  private mutating func parseNumber() throws(Failure) -> String {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let digitsStart = index
    while index < bytes.count, DecimalText.isDigit(bytes[index]) { index += 1 }
    let integerDigits = index - digitsStart
    guard integerDigits > 0 else { throw failure("expected digits") }
    if integerDigits > 1 && bytes[digitsStart] == UInt8(ascii: "0") {
      throw failure("leading zero in number")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      let fractionStart = index
      while index < bytes.count, DecimalText.isDigit(bytes[index]) { index += 1 }
      guard index > fractionStart else { throw failure("expected fraction digits") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
      {
        index += 1
      }
      let exponentStart = index
      while index < bytes.count, DecimalText.isDigit(bytes[index]) { index += 1 }
      guard index > exponentStart else { throw failure("expected exponent digits") }
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func parseString() throws(Failure) -> String {
    index += 1
    // Fast path: no escape (addresses, amounts, ids, names). The bytes become the String
    // directly; only non-ASCII text needs UTF-8 validation.
    let start = index
    var ascii = true
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let run = bytes[start..<index]
        index += 1
        if ascii { return String(decoding: run, as: UTF8.self) }
        guard let text = String(validating: run, as: UTF8.self) else {
          index = start
          throw failure("invalid UTF-8 in string")
        }
        return text
      }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
      ascii = ascii && byte < 0x80
      index += 1
    }
    index = start
    var scalars: [UInt8] = []
    var runStart = index
    while true {
      guard index < bytes.count else { throw failure("unterminated string") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        scalars.append(contentsOf: bytes[runStart..<index])
        index += 1
        break
      }
      if byte < 0x20 { throw failure("control character in string") }
      if byte == UInt8(ascii: "\\") {
        scalars.append(contentsOf: bytes[runStart..<index])
        try parseEscape(into: &scalars)
        runStart = index
        continue
      }
      index += 1
    }
    guard let text = String(validating: scalars, as: UTF8.self) else {
      throw failure("invalid UTF-8 in string")
    }
    return text
  }

  private mutating func parseEscape(into output: inout [UInt8]) throws(Failure) {
    index += 1
    guard index < bytes.count else { throw failure("unterminated escape") }
    let code = bytes[index]
    index += 1
    let simple: [UInt8: UInt8] = [
      UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
      UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
      UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]
    if let byte = simple[code] {
      output.append(byte)
      return
    }
    guard code == UInt8(ascii: "u") else { throw failure("invalid escape") }
    var scalar = try parseHex4()
    if (0xD800...0xDBFF).contains(scalar) {
      guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
        bytes[index + 1] == UInt8(ascii: "u")
      else { throw failure("unpaired surrogate") }
      index += 2
      let low = try parseHex4()
      guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00...0xDFFF).contains(scalar) {
      throw failure("unpaired surrogate")
    }
    guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid code point") }
    output.append(contentsOf: String(unicode).utf8)
  }

  private mutating func parseHex4() throws(Failure) -> UInt32 {
    guard index + 4 <= bytes.count else { throw failure("unterminated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw failure("invalid hex digit in \\u escape")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }
}

extension JSONParser {
  /// Parses a whole document given as input (a snapshot, an export, a proof): malformed JSON
  /// is invalid input (`invalidOperation`, exit 2), naming the file and the byte.
  static func parseDocument(_ bytes: [UInt8], name: String) throws(LedgerError) -> JSONValue {
    do {
      return try parse(bytes)
    } catch {
      throw LedgerError(.invalidOperation, "\(name): \(error)")
    }
  }
}
