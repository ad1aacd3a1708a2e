/// An exact fraction in [0, 1] written as decimal text (`"0.05"`, `"1"`, `"0.0001"`): a
/// commission rate or a slash fraction. Kept as digits over a power of ten, never a float.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
  /// The value is `numerator / 10^scale`.
  public let numerator: UInt128
  /// The number of decimal places: the rate is numerator ÷ 10^scale.
  public let scale: Int

  /// The most decimal places a rate may have.
  public static let scaleMax = 36

  /// Parses `(0|1)(\.[0-9]+)?` with a value at most 1; anything else is `invalidRate`.
  public init(parsing text: String) throws(LedgerError) {
    let bytes = Array(text.utf8)
    guard let split = DecimalText.split(bytes), split.fraction.count <= Self.scaleMax,
      let value = DecimalText.parseDigits(split.integer + split.fraction),
      let one = Self.powerOfTen(split.fraction.count), value <= one
    else {
      throw LedgerError(
        .invalidRate, "'\(text.truncatedForMessage)' is not a rate between 0 and 1")
    }
    self.numerator = value
    self.scale = split.fraction.count
  }

  static func powerOfTen(_ exponent: Int) -> UInt128? {
    var value: UInt128 = 1
    for _ in 0..<exponent {
      let (next, overflow) = value.multipliedReportingOverflow(by: 10)
      if overflow { return nil }
      value = next
    }
    return value
  }

  /// 10^scale.
  public var denominator: UInt128 { Self.powerOfTen(scale)! }

  /// `floor(amount × self)`, exact for every amount: the product is formed in 256 bits.
  public func floorTimes(_ amount: Amount) -> Amount {
    let product = amount.baseUnits.multipliedFullWidth(by: numerator)
    // The quotient is at most `amount`, since the rate is at most 1, so it fits.
    let (quotient, _) = denominator.dividingFullWidth(product)
    return Amount(baseUnits: quotient)
  }

  /// Canonical text: no trailing fractional zeros.
  public var description: String { Amount(baseUnits: numerator).formatted(decimals: scale) }

  /// Compared by value, whatever the scales (0.05 == 0.050).
  public static func < (lhs: Rate, rhs: Rate) -> Bool {
    let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
    let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
    return left.high != right.high ? left.high < right.high : left.low < right.low
  }
}

extension Rate: Comparable {
  /// Equal in value, whatever the scales.
  public static func == (lhs: Rate, rhs: Rate) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
  /// Hashes the canonical text, so equal values hash alike.
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
