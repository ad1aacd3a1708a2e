/// A balance that may be negative: system accounts such as `@supply` hold minus the total
/// supply. Sign and magnitude, so that the full range of ``Amount`` fits on either side.
/// Zero is always non-negative, so equal values have one representation.
///
/// The magnitude has 256 bits: `high × 2^128 + magnitude`. A holder's balance never passes
/// 2^128 − 1 (the journal refuses it, `amountOverflow`), but a system account is a cumulative
/// counter (`@supply` holds minus everything minted and not burned, `@slashed` everything
/// cut, `@emission` minus every reward) that can pass it while the total supply, their
/// negated sum, stays below it: mint 2^128 − 1, slash 5, mint 1 is legal.
public struct SignedAmount: Sendable, Hashable, CustomStringConvertible {
  /// Whether it is below zero (never for zero itself).
  public let isNegative: Bool
  /// The low 128 bits of the magnitude (the whole magnitude when ``high`` is 0).
  public let magnitude: UInt128
  /// The high 128 bits of the magnitude: non-zero only for a system account's counter.
  public let high: UInt128

  /// Zero.
  public static let zero = SignedAmount(isNegative: false, magnitude: 0)

  /// A signed amount of up to 128 bits of magnitude.
  public init(isNegative: Bool, magnitude: UInt128) {
    self.init(isNegative: isNegative, high: 0, low: magnitude)
  }

  init(isNegative: Bool, high: UInt128, low: UInt128) {
    self.isNegative = (high == 0 && low == 0) ? false : isNegative
    self.high = high
    self.magnitude = low
  }

  /// The same amount, as a signed one.
  public init(_ amount: Amount) { self.init(isNegative: false, magnitude: amount.baseUnits) }

  /// True when the magnitude fits in 128 bits, as every holder balance must.
  public var fitsIn128Bits: Bool { high == 0 }

  /// The canonical text stored in SQLite: digits, with a leading `-` when negative.
  public var description: String {
    (isNegative ? "-" : "")
      + (high == 0
        ? DecimalText.string(magnitude) : String(decoding: wideDigits, as: UTF8.self))
  }

  /// Parses the canonical stored text; `nil` for anything else (`-0`, `007`, `+1`).
  public init?(text: some StringProtocol) {
    var utf8 = Substring(text).utf8[...]
    let negative = utf8.first == UInt8(ascii: "-")
    if negative { utf8 = utf8.dropFirst() }
    guard !utf8.isEmpty, utf8.count <= 78, DecimalText.isCanonical(utf8),
      !(negative && utf8.elementsEqual("0".utf8))
    else {
      return nil
    }
    if let magnitude = DecimalText.parseDigits(utf8) {
      self.init(isNegative: negative, magnitude: magnitude)
      return
    }
    // Past 2^128 − 1: digit by digit into 256 bits (only system counters get here).
    var high: UInt128 = 0
    var low: UInt128 = 0
    for byte in utf8 {
      guard DecimalText.isDigit(byte) else { return nil }
      let product = low.multipliedFullWidth(by: 10)
      let (highTimesTen, overflow) = high.multipliedReportingOverflow(by: 10)
      let (sumLow, carry) = product.low.addingReportingOverflow(UInt128(byte - DecimalText.zero))
      let (sumHigh, overflowHigh) = highTimesTen.addingReportingOverflow(
        product.high + (carry ? 1 : 0))
      guard !overflow, !overflowHigh else { return nil }
      high = sumHigh
      low = sumLow
    }
    self.init(isNegative: negative, high: high, low: low)
  }

  /// The non-negative amount, or `nil` when negative or past 2^128 − 1.
  public var amount: Amount? {
    isNegative || high != 0 ? nil : Amount(baseUnits: magnitude)
  }

  /// `self + other`, or `nil` when the magnitude would reach 2^256.
  public func adding(_ other: SignedAmount) -> SignedAmount? {
    if isNegative == other.isNegative {
      let (low, carry) = magnitude.addingReportingOverflow(other.magnitude)
      let (partial, overflow) = high.addingReportingOverflow(other.high)
      let (sumHigh, overflowCarry) = partial.addingReportingOverflow(carry ? 1 : 0)
      guard !overflow, !overflowCarry else { return nil }
      return SignedAmount(isNegative: isNegative, high: sumHigh, low: low)
    }
    let (larger, smaller) =
      (high, magnitude) >= (other.high, other.magnitude) ? (self, other) : (other, self)
    let (low, borrow) = larger.magnitude.subtractingReportingOverflow(smaller.magnitude)
    let difference = larger.high - smaller.high - (borrow ? 1 : 0)
    return SignedAmount(isNegative: larger.isNegative, high: difference, low: low)
  }

  /// The same magnitude with the other sign.
  public var negated: SignedAmount {
    SignedAmount(isNegative: !isNegative, high: high, low: magnitude)
  }

  /// Token-unit text, `-` before a negative amount.
  public func formatted(decimals: Int) -> String {
    guard high != 0 else {
      return (isNegative ? "-" : "") + Amount(baseUnits: magnitude).formatted(decimals: decimals)
    }
    var digits = wideDigits
    var fraction: [UInt8] = []
    if decimals > 0 {
      // A wide magnitude has at least 39 digits, more than any asset's decimals (≤ 38).
      fraction = Array(digits.suffix(decimals))
      digits.removeLast(decimals)
      while fraction.last == DecimalText.zero { fraction.removeLast() }
    }
    let text = fraction.isEmpty ? digits : digits + [DecimalText.dot] + fraction
    return (isNegative ? "-" : "") + String(decoding: text, as: UTF8.self)
  }

  /// The decimal digits of a magnitude past 2^128 − 1, by long division by 10^19.
  private var wideDigits: [UInt8] {
    let divisor: UInt128 = 10_000_000_000_000_000_000
    var high = self.high
    var low = magnitude
    var chunks: [UInt128] = []
    while high != 0 || low != 0 {
      let highQuotient = high / divisor
      // The remainder of the high part is below the divisor, so the quotient fits.
      let (lowQuotient, remainder) = divisor.dividingFullWidth((high: high % divisor, low: low))
      chunks.append(remainder)
      high = highQuotient
      low = lowQuotient
    }
    var digits = DecimalText.digits(chunks.removeLast())
    for chunk in chunks.reversed() {
      let part = DecimalText.digits(chunk)
      digits += [UInt8](repeating: DecimalText.zero, count: 19 - part.count) + part
    }
    return digits
  }
}
