/// A recipient's weight in a `distribute`: a non-negative decimal with any number of
/// fractional digits up to 36 (`"0.41"`, `"3"`, `"12.5"`), kept exactly as digits over a power
/// of ten. Weights need not sum to 1: each recipient gets its weight's part of their sum.
public struct ShareWeight: Sendable, Hashable, CustomStringConvertible {
  /// The value is `numerator / 10^scale`.
  public let numerator: UInt128
  /// The number of decimal places: the weight is numerator ÷ 10^scale.
  public let scale: Int

  /// The most decimal places a weight may have.
  public static let scaleMax = 36

  /// Parses `(0|[1-9][0-9]*)(\.[0-9]+)?`; anything else, or a value whose digits pass
  /// 2^128 − 1, is `invalidOperation`.
  public init(parsing text: String) throws(LedgerError) {
    // Canonical as every exact decimal: no trailing fractional zeros, so "0.410" and "0.41"
    // are one weight.
    let value = try ExactDecimal(parsing: text, what: "weight")
    self.numerator = value.numerator
    self.scale = value.scale
  }

  /// The weight's canonical decimal text.
  public var description: String {
    guard scale > 0 else { return DecimalText.string(numerator) }
    return Amount(baseUnits: numerator).formatted(decimals: scale)
  }

  /// The weights over one common power of ten, or `nil` when a scaled weight or their sum
  /// would pass 2^128 − 1.
  static func commonNumerators(_ weights: [ShareWeight]) -> [UInt128]? {
    let scale = weights.map(\.scale).max() ?? 0
    var total: UInt128 = 0
    var result: [UInt128] = []
    result.reserveCapacity(weights.count)
    for weight in weights {
      guard let factor = Rate.powerOfTen(scale - weight.scale) else { return nil }
      let (scaled, overflow) = weight.numerator.multipliedReportingOverflow(by: factor)
      guard !overflow else { return nil }
      let (sum, sumOverflow) = total.addingReportingOverflow(scaled)
      guard !sumOverflow else { return nil }
      total = sum
      result.append(scaled)
    }
    return result
  }
}
