/// How an asset's holders are named, and how a name is checked and put in canonical form.
///
/// - `evm`: `0x` + 40 hex digits; mixed case must pass EIP-55; stored in EIP-55 form.
/// - `bech32(hrp)`: BIP-173 with that human-readable part (or `<hrp>valoper` for validators);
///   stored lower-case.
/// - `ss58(prefix)`: base58 of prefix ‖ 32-byte key ‖ 2-byte BLAKE2b-512 checksum; stored as given.
/// - `any`: free-form names (tests, internal sub-ledgers).
///
/// System accounts (`@supply`, `@emission`, …) are not addresses and never pass through here.
public enum AddressScheme: Sendable, Hashable, CustomStringConvertible {
  case evm
  case bech32(humanReadablePart: String)
  case ss58(prefix: UInt16)
  case any

  /// Parses the scheme text of an asset definition: `evm`, `bech32:<hrp>`, `ss58`,
  /// `ss58:<prefix>` or `any`.
  public init(parsing text: String) throws(LedgerError) {
    switch text {
    case "evm": self = .evm
    case "any": self = .any
    case "ss58": self = .ss58(prefix: 42)
    default:
      if text.hasPrefix("bech32:"), case let hrp = String(text.dropFirst(7)),
        !hrp.isEmpty, hrp.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) })
      {
        self = .bech32(humanReadablePart: hrp)
      } else if text.hasPrefix("ss58:"), let prefix = UInt16(text.dropFirst(5)), prefix < 16384,
        String(prefix) == text.dropFirst(5)
      {
        self = .ss58(prefix: prefix)
      } else {
        throw LedgerError(
          .invalidOperation,
          "unknown address scheme '\(text.truncatedForMessage)'"
            + " (expected evm, bech32:<hrp>, ss58[:<prefix>] or any)")
      }
    }
  }

  /// The scheme's text in an asset definition (`evm`, `bech32:fetch`, `ss58:42`, `any`).
  public var description: String {
    switch self {
    case .evm: "evm"
    case .any: "any"
    case .bech32(let hrp): "bech32:\(hrp)"
    case .ss58(let prefix): prefix == 42 ? "ss58" : "ss58:\(prefix)"
    }
  }

  /// Checks `address` and returns its canonical form, or throws `invalidAddress` saying why.
  /// The EVM zero address passes here; operations reject it with their own codes.
  public func normalize(_ address: String) throws(LedgerError) -> String {
    guard !address.isEmpty, address.utf8.count <= Limits.nameBytesMax else {
      throw LedgerError(.invalidAddress, "address must be 1 to \(Limits.nameBytesMax) bytes")
    }
    let problem: String?
    var canonical = address
    switch self {
    case .any:
      problem = Self.freeFormProblem(address)
    case .evm:
      switch EVMAddress.normalize(address) {
      case .success(let value): canonical = value; problem = nil
      case .failure(let failure): problem = failure.reason
      }
    case .bech32(let hrp):
      switch Self.bech32Normalize(address, humanReadablePart: hrp) {
      case .success(let value): canonical = value; problem = nil
      case .failure(let failure): problem = failure.reason
      }
    case .ss58(let prefix):
      problem = SS58Address.problem(address, expectedPrefix: prefix)
    }
    if let problem {
      throw LedgerError(
        .invalidAddress,
        "'\(address.truncatedForMessage)' is not a valid \(self) address: \(problem)")
    }
    return canonical
  }

  private static func freeFormProblem(_ name: String) -> String? {
    if name.hasPrefix("@") { return "names starting with '@' are reserved for system accounts" }
    // Control characters are ASCII, so their UTF-8 bytes are the characters themselves.
    if name.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
      return "control characters are not allowed"
    }
    if name.utf8.contains(UInt8(ascii: "/")) { return "'/' separates buckets in account keys" }
    return UnicodeForm.problem(name)
  }

  private static func bech32Normalize(
    _ address: String, humanReadablePart: String
  ) -> Result<String, AddressProblem> {
    switch Bech32.decode(address) {
    case .failure(let failure): return .failure("bech32 \(failure)")
    case .success(let decoded):
      guard
        decoded.humanReadablePart == humanReadablePart
          || decoded.humanReadablePart == humanReadablePart + "valoper"
      else {
        return .failure("prefix '\(decoded.humanReadablePart)' is not '\(humanReadablePart)'")
      }
      guard let bytes = convertBits(decoded.data), bytes.count == 20 || bytes.count == 32 else {
        return .failure("payload must be 20 or 32 bytes")
      }
      return .success(address.lowercased())
    }
  }

  /// 5-bit groups to bytes, rejecting non-zero or excess padding (BIP-173).
  private static func convertBits(_ data: [UInt8]) -> [UInt8]? {
    var accumulator: UInt32 = 0
    var bits = 0
    var output: [UInt8] = []
    for value in data {
      accumulator = (accumulator << 5) | UInt32(value)
      bits += 5
      while bits >= 8 {
        bits -= 8
        output.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
      }
    }
    guard bits < 5, (accumulator << UInt32(8 - bits)) & 0xFF == 0 else { return nil }
    return output
  }
}
