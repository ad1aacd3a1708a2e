import BigInt

/// A non-negative decimal written as text with at most 36 fractional digits (`"0.43335"`,
/// `"1"`, `"27031.5"`): a conversion rate (target units per source unit) or a price. Kept
/// exactly as digits over a power of ten, never a float; canonical without trailing zeros, so
/// `"0.4333500"` and `"0.43335"` are one value.
public struct ExactDecimal: Sendable, Hashable, CustomStringConvertible {
  /// The value is `numerator / 10^scale`.
  public let numerator: UInt128
  /// The number of decimal places (no trailing zeros).
  public let scale: Int

  /// The most decimal places a value may have.
  public static let scaleMax = 36

  /// Parses `(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 36 fractional digits, digits within
  /// 2^128 − 1; anything else throws `code` (`invalidOperation` unless told), naming `what`.
  public init(
    parsing text: String, what: String = "value", code: ErrorCode = .invalidOperation
  ) throws(LedgerError) {
    let bytes = Array(text.utf8)
    guard let split = DecimalText.split(bytes), split.fraction.count <= Self.scaleMax,
      DecimalText.isCanonical(split.integer),
      let value = DecimalText.parseDigits(split.integer + split.fraction)
    else {
      throw LedgerError(
        code,
        "\(what) '\(text.truncatedForMessage)' is not a non-negative decimal with at most \(Self.scaleMax) fractional digits whose digits, the point left out, stay within 2^128 - 1"
      )
    }
    var numerator = value
    var scale = split.fraction.count
    while scale > 0 && numerator % 10 == 0 {
      numerator /= 10
      scale -= 1
    }
    self.numerator = numerator
    self.scale = scale
  }

  /// The canonical decimal text.
  public var description: String {
    guard scale > 0 else { return DecimalText.string(numerator) }
    return Amount(baseUnits: numerator).formatted(decimals: scale)
  }

  /// Whether the value is 0.
  public var isZero: Bool { numerator == 0 }

  /// `amount × self` carried from an asset of `sourceDecimals` to one of `targetDecimals`:
  /// the whole target base units (rounded down) and the cut-off fraction of one target base
  /// unit as exact decimal text (`"0"` when nothing was cut). Nil when the result passes
  /// 2^128 − 1 base units. Exact: formed with arbitrary-precision integers.
  public func convert(_ amount: Amount, sourceDecimals: Int, targetDecimals: Int)
    -> (amount: Amount, remainder: String)?
  {
    // target base units = amount × numerator × 10^(targetDecimals − scale − sourceDecimals)
    let exponent = targetDecimals - scale - sourceDecimals
    var product = BigUInt(amount.baseUnits) * BigUInt(numerator)
    var divisor = BigUInt(1)
    if exponent >= 0 {
      product *= BigUInt(10).power(exponent)
    } else {
      divisor = BigUInt(10).power(-exponent)
    }
    let (quotient, rest) = product.quotientAndRemainder(dividingBy: divisor)
    guard quotient.bitWidth <= 128, let whole = UInt128(exactly: quotient) else { return nil }
    guard !rest.isZero else { return (Amount(baseUnits: whole), "0") }
    // rest / 10^(−exponent), written with −exponent fractional digits, trailing zeros cut.
    var digits = String(rest)
    let places = -exponent
    digits = String(repeating: "0", count: places - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return (Amount(baseUnits: whole), "0." + digits)
  }

  /// `amount × self` in a currency of `targetDecimals` decimals, rounded half to even: the
  /// value of `amount` (of an asset of `sourceDecimals`) at this price. Nil past 2^128 − 1.
  public func value(_ amount: Amount, sourceDecimals: Int, targetDecimals: Int) -> Amount? {
    Self.value(
      amount, sourceDecimals: sourceDecimals, prices: [self], targetDecimals: targetDecimals)
  }

  /// `amount × prices[0] × prices[1] × …` (a chain of prices, multiplied exactly) in base units
  /// of `targetDecimals`, rounded once, half to even. Nil past 2^128 − 1.
  public static func value(
    _ amount: Amount, sourceDecimals: Int, prices: [ExactDecimal], targetDecimals: Int
  ) -> Amount? {
    let exponent = targetDecimals - sourceDecimals - prices.reduce(0) { $0 + $1.scale }
    var product = prices.reduce(BigUInt(amount.baseUnits)) { $0 * BigUInt($1.numerator) }
    if exponent >= 0 {
      product *= BigUInt(10).power(exponent)
      return UInt128(exactly: product).map(Amount.init(baseUnits:))
    }
    let divisor = BigUInt(10).power(-exponent)
    var (quotient, rest) = product.quotientAndRemainder(dividingBy: divisor)
    let twice = rest * 2
    if twice > divisor || (twice == divisor && quotient % 2 == 1) { quotient += 1 }
    return UInt128(exactly: quotient).map(Amount.init(baseUnits:))
  }
}
