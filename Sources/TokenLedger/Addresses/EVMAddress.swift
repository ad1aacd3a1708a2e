/// Ethereum addresses: `0x` + 40 hex digits, EIP-55 checksum.
public enum EVMAddress {
  /// The zero address, never a sender, receiver, owner or spender (ERC-6093).
  public static let zero = "0x0000000000000000000000000000000000000000"

  /// The EIP-55 form of 40 lower-case hex digits.
  static func checksummed(lowercaseHex: [UInt8]) -> String {
    let hash = Keccak256.hash(lowercaseHex)
    var output = "0x"
    output.reserveCapacity(42)
    for (index, byte) in lowercaseHex.enumerated() {
      let nibble = (hash[index / 2] >> (index % 2 == 0 ? 4 : 0)) & 0x0F
      let isLetter = byte >= UInt8(ascii: "a")
      output.unicodeScalars.append(
        Unicode.Scalar(isLetter && nibble >= 8 ? byte - 32 : byte))
    }
    return output
  }

  /// The EIP-55 form, or why the text is not an address. All-lower and all-upper hex carry no
  /// checksum and are accepted; mixed case must match EIP-55 exactly.
  static func normalize(_ text: String) -> Result<String, AddressProblem> {
    let bytes = Array(text.utf8)
    guard bytes.count == 42, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else {
      return .failure("expected 0x followed by 40 hex digits")
    }
    let digits = bytes[2...]
    var lowered: [UInt8] = []
    lowered.reserveCapacity(40)
    var hasLower = false
    var hasUpper = false
    for byte in digits {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): lowered.append(byte)
      case UInt8(ascii: "a")...UInt8(ascii: "f"): lowered.append(byte); hasLower = true
      case UInt8(ascii: "A")...UInt8(ascii: "F"): lowered.append(byte + 32); hasUpper = true
      default: return .failure("'\(Unicode.Scalar(byte))' is not a hex digit")
      }
    }
    let canonical = checksummed(lowercaseHex: lowered)
    if hasLower && hasUpper && canonical != text {
      return .failure("EIP-55 checksum mismatch (expected \(canonical))")
    }
    return .success(canonical)
  }
}

/// Why a text is not a valid address of a scheme, for the `invalidAddress` message.
struct AddressProblem: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
  let reason: String
  init(stringLiteral value: String) { reason = value }
  init(stringInterpolation: DefaultStringInterpolation) {
    reason = String(stringInterpolation: stringInterpolation)
  }
}
