/// Canonical JSON text: object keys sorted by their UTF-8 bytes, no whitespace, strings escaped
/// minimally. Two equal values always give the same bytes, which is what idempotency checks and
/// the hash chain compare.
public enum CanonicalJSON {
  /// Canonical text: keys sorted, no spaces, numbers as written.
  public static func encode(_ value: JSONValue) -> String {
    var output: [UInt8] = []
    write(value, to: &output)
    return String(decoding: output, as: UTF8.self)
  }

  /// The canonical text of an object given as a list of members with distinct keys.
  static func encode(members: [(String, JSONValue)]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(members.count * 32)
    write(members: members, to: &output)
    return String(decoding: output, as: UTF8.self)
  }

  static func write(_ value: JSONValue, to output: inout [UInt8]) {
    switch value {
    case .null: output += "null".utf8
    case .bool(let flag): output += (flag ? "true" : "false").utf8
    case .number(let text): output += text.utf8
    case .string(let text): writeString(text, to: &output)
    case .array(let items):
      output.append(UInt8(ascii: "["))
      for (offset, item) in items.enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        write(item, to: &output)
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      write(members: Array(members), to: &output)
    }
  }

  private static func write(members: [(String, JSONValue)], to output: inout [UInt8]) {
    let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    output.append(UInt8(ascii: "{"))
    for (offset, member) in sorted.enumerated() {
      assert(offset == 0 || sorted[offset - 1].0 != member.0, "duplicate key \(member.0)")
      if offset > 0 { output.append(UInt8(ascii: ",")) }
      writeString(member.0, to: &output)
      output.append(UInt8(ascii: ":"))
      write(member.1, to: &output)
    }
    output.append(UInt8(ascii: "}"))
  }

  static func writeString(_ text: String, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    // Fast path: most strings (addresses, amounts, ids) need no escape and are copied whole,
    // from the string's own contiguous bytes where it has them.
    let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
      for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
        return false
      }
      output.append(contentsOf: bytes)
      return true
    }
    if copied == true {
      output.append(UInt8(ascii: "\""))
      return
    }
    if copied == nil,
      !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F })
    {
      output += text.utf8
      output.append(UInt8(ascii: "\""))
      return
    }
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): output += #"\""#.utf8
      case UInt8(ascii: "\\"): output += #"\\"#.utf8
      case 0x0A: output += #"\n"#.utf8
      case 0x0D: output += #"\r"#.utf8
      case 0x09: output += #"\t"#.utf8
      case 0..<0x20, 0x7F:
        // Control characters are ASCII: their UTF-8 byte is the character.
        let digits = Array("0123456789abcdef".utf8)
        output += #"\u00"#.utf8
        output.append(digits[Int(byte >> 4)])
        output.append(digits[Int(byte & 0x0F)])
      default:
        output.append(byte)
      }
    }
    output.append(UInt8(ascii: "\""))
  }
}
