/// A balance that may be negative: system accounts such as `@supply` hold minus the total
/// supply. Sign and magnitude, so that the full range of ``Amount`` fits on either side.
/// Zero is always non-negative, so equal values have one representation.
public struct SignedAmount: Sendable, Hashable, CustomStringConvertible {
  public let isNegative: Bool
  public let magnitude: UInt128

  public static let zero = SignedAmount(isNegative: false, magnitude: 0)

  public init(isNegative: Bool, magnitude: UInt128) {
    self.isNegative = magnitude == 0 ? false : isNegative
    self.magnitude = magnitude
  }

  public init(_ amount: Amount) { self.init(isNegative: false, magnitude: amount.baseUnits) }

  /// The canonical text stored in SQLite: digits, with a leading `-` when negative.
  public var description: String { (isNegative ? "-" : "") + DecimalText.string(magnitude) }

  /// Parses the canonical stored text; `nil` for anything else (`-0`, `007`, `+1`).
  public init?(text: some StringProtocol) {
    var utf8 = Substring(text).utf8[...]
    let negative = utf8.first == UInt8(ascii: "-")
    if negative { utf8 = utf8.dropFirst() }
    guard let magnitude = DecimalText.parseDigits(utf8), DecimalText.isCanonical(utf8),
      !(negative && magnitude == 0)
    else { return nil }
    self.init(isNegative: negative, magnitude: magnitude)
  }

  /// The non-negative amount, or `nil` when negative.
  public var amount: Amount? { isNegative ? nil : Amount(baseUnits: magnitude) }

  /// `self + other`, or `nil` when the magnitude would exceed 2^128 − 1.
  public func adding(_ other: SignedAmount) -> SignedAmount? {
    if isNegative == other.isNegative {
      let (sum, overflow) = magnitude.addingReportingOverflow(other.magnitude)
      return overflow ? nil : SignedAmount(isNegative: isNegative, magnitude: sum)
    }
    if magnitude >= other.magnitude {
      return SignedAmount(isNegative: isNegative, magnitude: magnitude - other.magnitude)
    }
    return SignedAmount(isNegative: other.isNegative, magnitude: other.magnitude - magnitude)
  }

  public var negated: SignedAmount { SignedAmount(isNegative: !isNegative, magnitude: magnitude) }

  public func formatted(decimals: Int) -> String {
    (isNegative ? "-" : "") + Amount(baseUnits: magnitude).formatted(decimals: decimals)
  }
}
