/// BIP-173 bech32 decoding and checksum verification, for Cosmos addresses (`fetch1…`).
enum Bech32 {
  private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
  private static let generator: [UInt32] = [
    0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3,
  ]

  private static func polymod(_ values: [UInt8]) -> UInt32 {
    var checksum: UInt32 = 1
    for value in values {
      let top = checksum >> 25
      checksum = ((checksum & 0x1ff_ffff) << 5) ^ UInt32(value)
      for bit in 0..<5 where (top >> UInt32(bit)) & 1 == 1 { checksum ^= generator[bit] }
    }
    return checksum
  }

  private static func expand(_ humanReadablePart: [UInt8]) -> [UInt8] {
    humanReadablePart.map { $0 >> 5 } + [0] + humanReadablePart.map { $0 & 31 }
  }

  /// Decodes a bech32 string into its lower-case human-readable part and 5-bit data (checksum
  /// removed), or explains why it is invalid.
  static func decode(_ text: String) -> Result<
    (humanReadablePart: String, data: [UInt8]), Bech32Failure
  > {
    let bytes = Array(text.utf8)
    guard bytes.count <= 90 else { return .failure(.tooLong) }
    guard bytes.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { return .failure(.invalidCharacter) }
    let hasLower = bytes.contains { $0 >= 97 && $0 <= 122 }
    let hasUpper = bytes.contains { $0 >= 65 && $0 <= 90 }
    guard !(hasLower && hasUpper) else { return .failure(.mixedCase) }
    let lowered = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    guard let separator = lowered.lastIndex(of: UInt8(ascii: "1")), separator >= 1,
      separator + 7 <= lowered.count
    else { return .failure(.missingSeparator) }
    let humanReadablePart = Array(lowered[..<separator])
    var data: [UInt8] = []
    for byte in lowered[(separator + 1)...] {
      guard let value = charset.firstIndex(of: byte) else { return .failure(.invalidCharacter) }
      data.append(UInt8(value))
    }
    guard polymod(expand(humanReadablePart) + data) == 1 else { return .failure(.badChecksum) }
    return .success((String(decoding: humanReadablePart, as: UTF8.self), Array(data.dropLast(6))))
  }

  /// Encodes lower-case `humanReadablePart` and 5-bit `data` with its checksum.
  static func encode(humanReadablePart: String, data: [UInt8]) -> String {
    let prefix = Array(humanReadablePart.utf8)
    let residue = polymod(expand(prefix) + data + [0, 0, 0, 0, 0, 0]) ^ 1
    let checksum = (0..<6).map { UInt8((residue >> UInt32(5 * (5 - $0))) & 31) }
    return humanReadablePart + "1"
      + String(decoding: (data + checksum).map { charset[Int($0)] }, as: UTF8.self)
  }

  /// The same key under another prefix (`fetchvaloper1…` → `fetch1…`): the data is kept,
  /// the checksum recomputed.
  static func withHumanReadablePart(_ address: String, _ humanReadablePart: String) -> String? {
    guard case .success(let decoded) = decode(address) else { return nil }
    return encode(humanReadablePart: humanReadablePart, data: decoded.data)
  }
}

enum Bech32Failure: Error, Equatable {
  case tooLong, invalidCharacter, mixedCase, missingSeparator, badChecksum
}
