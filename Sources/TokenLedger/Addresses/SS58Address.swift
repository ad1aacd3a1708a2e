/// Substrate SS58 addresses (Bittensor uses network prefix 42).
enum SS58Address {
  private static let checksumPreamble = Array("SS58PRE".utf8)

  /// Why `text` is not an SS58 address of `expectedPrefix` with a 32-byte key, or `nil`.
  static func problem(_ text: String, expectedPrefix: UInt16) -> String? {
    guard let bytes = Base58.decode(text) else { return "not base58" }
    guard let first = bytes.first else { return "empty" }
    let prefix: UInt16
    let prefixLength: Int
    if first < 64 {
      prefix = UInt16(first)
      prefixLength = 1
    } else if first < 128, bytes.count >= 2 {
      // Two-byte prefixes (64…16383), as the SS58 specification packs them.
      let lower = UInt16(first & 0x3F) << 2 | UInt16(bytes[1] >> 6)
      let upper = UInt16(bytes[1] & 0x3F) << 8
      prefix = lower | upper
      prefixLength = 2
      // A prefix below 64 has one canonical form, its one-byte form: the two-byte spelling
      // would be a second address of the same key (a second account of one owner).
      guard prefix >= 64 else {
        return "network prefix \(prefix) written in the two-byte form (it has a one-byte form)"
      }
    } else {
      return "reserved prefix byte \(first)"
    }
    guard bytes.count == prefixLength + 32 + 2 else {
      return "expected a 32-byte key, found \(bytes.count - prefixLength - 2) bytes"
    }
    guard prefix == expectedPrefix else {
      return "network prefix \(prefix), expected \(expectedPrefix)"
    }
    let body = Array(bytes[..<(prefixLength + 32)])
    let checksum = Blake2b.hash(checksumPreamble + body, digestBytes: 64)
    guard checksum[0] == bytes[prefixLength + 32], checksum[1] == bytes[prefixLength + 33] else {
      return "checksum mismatch"
    }
    return nil
  }
}
