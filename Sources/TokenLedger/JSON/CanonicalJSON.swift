/// Canonical JSON text: object keys sorted by their UTF-8 bytes, no whitespace, strings escaped
/// minimally. Two equal values always give the same bytes, which is what idempotency checks and
/// the hash chain compare.
public enum CanonicalJSON {
  public static func encode(_ value: JSONValue) -> String {
    var output = ""
    write(value, to: &output)
    return output
  }

  static func write(_ value: JSONValue, to output: inout String) {
    switch value {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .number(let text): output += text
    case .string(let text): writeString(text, to: &output)
    case .array(let items):
      output += "["
      for (offset, item) in items.enumerated() {
        if offset > 0 { output += "," }
        write(item, to: &output)
      }
      output += "]"
    case .object(let members):
      write(members: Array(members), to: &output)
    }
  }

  /// The canonical text of an object given as a list of members with distinct keys.
  static func encode(members: [(String, JSONValue)]) -> String {
    var output = ""
    output.reserveCapacity(members.count * 24)
    write(members: members, to: &output)
    return output
  }

  private static func write(members: [(String, JSONValue)], to output: inout String) {
    let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    output += "{"
    for (offset, member) in sorted.enumerated() {
      assert(offset == 0 || sorted[offset - 1].0 != member.0, "duplicate key \(member.0)")
      if offset > 0 { output += "," }
      writeString(member.0, to: &output)
      output += ":"
      write(member.1, to: &output)
    }
    output += "}"
  }

  static func writeString(_ text: String, to output: inout String) {
    // Fast path: most strings (addresses, amounts, ids) need no escaping at all.
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
      output += "\""
      output += text
      output += "\""
      return
    }
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16)
          output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    output += "\""
  }
}
