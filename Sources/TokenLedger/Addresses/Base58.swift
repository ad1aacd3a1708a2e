/// Base58 with Bitcoin's alphabet, as SS58 uses it. Decoding only: the ledger validates and
/// keeps addresses as given, it never builds them.
enum Base58 {
  private static let alphabet = Array(
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
  private static let values: [Int8] = {
    var table = [Int8](repeating: -1, count: 128)
    for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
    return table
  }()

  /// The decoded bytes, or `nil` when a character is outside the alphabet.
  static func decode(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []  // big-endian
    var leadingZeros = 0
    var seenNonZero = false
    for character in text.utf8 {
      guard character < 128, values[Int(character)] >= 0 else { return nil }
      var carry = Int(values[Int(character)])
      if carry == 0 && !seenNonZero {
        leadingZeros += 1
        continue
      }
      seenNonZero = true
      for index in stride(from: bytes.count - 1, through: 0, by: -1) {
        carry += Int(bytes[index]) * 58
        bytes[index] = UInt8(carry & 0xFF)
        carry >>= 8
      }
      while carry > 0 {
        bytes.insert(UInt8(carry & 0xFF), at: 0)
        carry >>= 8
      }
    }
    return [UInt8](repeating: 0, count: leadingZeros) + bytes
  }
}
