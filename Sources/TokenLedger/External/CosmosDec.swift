import BigInt

/// The Cosmos SDK's `sdk.Dec`: a decimal with 18 fractional digits, kept as an integer scaled
/// by 10^18, with the SDK's own rounding for each operation (README "cosmos-export"). Amounts
/// times ratios pass 2^128 at once (10^27 base units × 10^18), so the digits are a `BigInt`.
struct CosmosDec: Sendable, Comparable, CustomStringConvertible {
  static let precision = BigInt(10).power(18)
  static let zero = CosmosDec(scaled: 0)

  /// The value × 10^18.
  let scaled: BigInt

  init(scaled: BigInt) { self.scaled = scaled }

  /// An integer amount (`sdk.Int`).
  init(integer: BigInt) { scaled = integer * Self.precision }

  /// Parses `-?[0-9]+(\.[0-9]{1,18})?`, as the SDK writes a Dec (always 18 digits) or an Int.
  init?(_ text: String) {
    var digits = Substring(text)
    let negative = digits.first == "-"
    if negative { digits = digits.dropFirst() }
    let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), !parts[0].isEmpty,
      parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } })
    else { return nil }
    let fraction = parts.count == 2 ? parts[1] : ""
    guard fraction.count <= 18, parts.count == 1 || !fraction.isEmpty,
      let value = BigInt(
        String(parts[0]) + fraction + String(repeating: "0", count: 18 - fraction.count))
    else { return nil }
    scaled = negative ? -value : value
  }

  var description: String {
    let sign = scaled < 0 ? "-" : ""
    let (whole, fraction) = scaled.magnitude.quotientAndRemainder(
      dividingBy: Self.precision.magnitude)
    let digits = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: 18 - digits.count) + digits
  }

  static func + (left: CosmosDec, right: CosmosDec) -> CosmosDec {
    CosmosDec(scaled: left.scaled + right.scaled)
  }

  static func - (left: CosmosDec, right: CosmosDec) -> CosmosDec {
    CosmosDec(scaled: left.scaled - right.scaled)
  }

  static func < (left: CosmosDec, right: CosmosDec) -> Bool { left.scaled < right.scaled }

  /// `MulTruncate`: the product, its digits past 18 decimals dropped (toward zero).
  func multipliedTruncating(_ other: CosmosDec) -> CosmosDec {
    CosmosDec(scaled: (scaled * other.scaled) / Self.precision)
  }

  /// `QuoTruncate`: the quotient, its digits past 18 decimals dropped (toward zero).
  func dividedTruncating(_ other: CosmosDec) -> CosmosDec {
    CosmosDec(scaled: (scaled * Self.precision * Self.precision / other.scaled) / Self.precision)
  }

  /// `Quo`: the quotient truncated to 36 decimals, then rounded half to even to 18 (the SDK's
  /// two steps; the first truncation can make an exact half).
  func dividedRounding(_ other: CosmosDec) -> CosmosDec {
    let wide = scaled * Self.precision * Self.precision / other.scaled
    let (quotient, remainder) = wide.quotientAndRemainder(dividingBy: Self.precision)
    let twice = remainder.magnitude * 2
    var result = quotient
    if twice > Self.precision.magnitude
      || (twice == Self.precision.magnitude && quotient.magnitude % 2 == 1)
    {
      result += wide.signum()
    }
    return CosmosDec(scaled: result)
  }

  /// `TruncateInt`: the integer part (toward zero).
  var truncated: BigInt { scaled / Self.precision }
}

extension BigInt {
  /// The value as base units, when it is in 0...2^128 − 1.
  var amount: Amount? {
    guard self >= 0, bitWidth <= 129, let value = UInt128(exactly: self) else { return nil }
    return Amount(baseUnits: value)
  }
}
