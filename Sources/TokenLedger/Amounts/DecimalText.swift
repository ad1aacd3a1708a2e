/// Byte-level helpers for decimal text, shared by amount and rate parsing. Pure functions:
/// no allocation beyond the split arrays, no Foundation.
enum DecimalText {
  static let zero = UInt8(ascii: "0")
  static let nine = UInt8(ascii: "9")
  static let dot = UInt8(ascii: ".")

  static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }

  /// Splits `(0|[1-9][0-9]*)(\.[0-9]+)?` into its integer and fraction digits; `nil` when the
  /// text does not have that exact shape.
  static func split(_ bytes: [UInt8]) -> (integer: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>)?
  {
    guard !bytes.isEmpty else { return nil }
    let dotIndex = bytes.firstIndex(of: dot)
    let integer = bytes[..<(dotIndex ?? bytes.endIndex)]
    let fraction = dotIndex.map { bytes[($0 + 1)...] } ?? []
    guard !integer.isEmpty, integer.allSatisfy(isDigit) else { return nil }
    if integer.count > 1 && integer.first == zero { return nil }
    if dotIndex != nil && (fraction.isEmpty || !fraction.allSatisfy(isDigit)) { return nil }
    return (integer, fraction)
  }

  /// `value * 10 + digit`, or `nil` on overflow.
  static func appendDigit(_ value: UInt128, _ digit: UInt8) -> UInt128? {
    let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
    let (sum, overflow2) = times10.addingReportingOverflow(UInt128(digit - zero))
    return overflow1 || overflow2 ? nil : sum
  }

  /// Parses plain digits (no sign, no dot) into a `UInt128`; `nil` when empty, not digits, or
  /// overflowing.
  static func parseDigits(_ bytes: some Sequence<UInt8>) -> UInt128? {
    var value: UInt128 = 0
    var count = 0
    for byte in bytes {
      guard isDigit(byte), let next = appendDigit(value, byte) else { return nil }
      value = next
      count += 1
    }
    return count == 0 ? nil : value
  }

  /// True when digit text has no superfluous leading zero.
  static func isCanonical(_ bytes: some Collection<UInt8>) -> Bool {
    bytes.count == 1 || bytes.first != zero
  }

  /// The decimal digits of `value`, most significant first: what `String(value)` spells, but
  /// in 64-bit pieces of 19 digits instead of one 128-bit division per digit (amounts are
  /// formatted several times for every entry written or audited).
  static func digits(_ value: UInt128) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(39)
    appendDigits(value, to: &output)
    return output
  }

  static func string(_ value: UInt128) -> String {
    String(decoding: digits(value), as: UTF8.self)
  }

  private static let nineteenDigits: UInt128 = 10_000_000_000_000_000_000

  /// Appends `value` base units as canonical token units with `decimals` (the contract's
  /// amount text: no trailing fractional zeros, no dot for a whole number, "0" for zero),
  /// without an intermediate string: what ``Amount/formatted(decimals:)`` spells.
  static func appendUnits(_ value: UInt128, decimals: Int, to output: inout [UInt8]) {
    precondition((0...38).contains(decimals), "decimals are validated with the asset")
    // The digits, least significant first: at most 39 of a UInt128.
    var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &buffer) { digits in
      var count = 0
      var rest = value
      while rest > UInt128(UInt64.max) {
        let (high, low) = rest.quotientAndRemainder(dividingBy: nineteenDigits)
        var piece = UInt64(low)
        for _ in 0..<19 {
          digits[count] = zero + UInt8(piece % 10)
          piece /= 10
          count += 1
        }
        rest = high
      }
      var piece = UInt64(rest)
      while piece >= 100 {
        let (next, pair) = piece.quotientAndRemainder(dividingBy: 100)
        digits[count] = zero + UInt8(pair % 10)
        digits[count + 1] = zero + UInt8(pair / 10)
        piece = next
        count += 2
      }
      repeat {
        digits[count] = zero + UInt8(piece % 10)
        piece /= 10
        count += 1
      } while piece > 0
      // Fractional digits are positions 0..<decimals (beyond `count` they are zeros).
      var trailing = 0
      while trailing < decimals && trailing < count && digits[trailing] == zero { trailing += 1 }
      if trailing == count { trailing = decimals }  // the value is 0
      if count > decimals {
        for position in stride(from: count - 1, through: decimals, by: -1) {
          output.append(digits[position])
        }
      } else {
        output.append(zero)
      }
      guard trailing < decimals else { return }
      output.append(dot)
      for position in stride(from: decimals - 1, through: trailing, by: -1) {
        output.append(position < count ? digits[position] : zero)
      }
    }
  }

  private static func appendDigits(_ value: UInt128, to output: inout [UInt8]) {
    guard value > UInt128(UInt64.max) else {
      appendDigits(UInt64(value), minimumCount: 1, to: &output)
      return
    }
    let (high, low) = value.quotientAndRemainder(dividingBy: nineteenDigits)
    appendDigits(high, to: &output)
    appendDigits(UInt64(low), minimumCount: 19, to: &output)
  }

  private static func appendDigits(_ value: UInt64, minimumCount: Int, to output: inout [UInt8]) {
    var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
    let count = withUnsafeMutableBytes(of: &buffer) { bytes in
      var rest = value
      var index = bytes.count
      repeat {
        index -= 1
        bytes[index] = zero + UInt8(rest % 10)
        rest /= 10
      } while rest > 0 || bytes.count - index < minimumCount
      output.append(contentsOf: bytes[index...])
      return bytes.count - index
    }
    assert(count >= minimumCount, "padded to the minimum")
  }
}
