/// An exact, non-negative quantity of one asset in base units (afet for FET, rao for TAO).
///
/// `Amount` never holds a fraction and never wraps: arithmetic that would overflow or go below
/// zero throws ``LedgerError`` with `amountOverflow` or `insufficientBalance`-style codes chosen
/// by the caller. Conversion from and to token units is exact at any number of decimals up to 38.
///
/// ```swift
/// let fifteen = try Amount(parsing: "12.5", decimals: 18)
/// fifteen.baseUnits        // 12_500_000_000_000_000_000
/// fifteen.formatted(decimals: 18)  // "12.5"
/// ```
public struct Amount: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The amount in the asset's smallest unit (wei, afet, rao).
  public let baseUnits: UInt128

  /// No tokens.
  public static let zero = Amount(baseUnits: 0)
  /// The largest amount a balance may hold: 2^128 − 1 base units.
  public static let max = Amount(baseUnits: UInt128.max)

  /// An amount of base units.
  public init(baseUnits: UInt128) {
    self.baseUnits = baseUnits
  }

  /// Ordered by base units.
  public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.baseUnits < rhs.baseUnits }

  /// Whether it is no tokens.
  public var isZero: Bool { baseUnits == 0 }

  /// The base units in decimal, the form stored in SQLite.
  public var description: String { DecimalText.string(baseUnits) }

  /// Adds, or returns `nil` when the sum exceeds 2^128 − 1.
  public func adding(_ other: Amount) -> Amount? {
    let (sum, overflow) = baseUnits.addingReportingOverflow(other.baseUnits)
    return overflow ? nil : Amount(baseUnits: sum)
  }

  /// Subtracts, or returns `nil` when `other` is larger.
  public func subtracting(_ other: Amount) -> Amount? {
    other.baseUnits > baseUnits ? nil : Amount(baseUnits: baseUnits - other.baseUnits)
  }
}

extension Amount {
  /// Parses the canonical base-unit text stored in SQLite: digits only, no leading zero.
  /// Returns `nil` for anything else, since only a bug or a tampered file can produce it.
  public init?(baseUnitText text: some StringProtocol) {
    guard let value = DecimalText.parseDigits(text.utf8), DecimalText.isCanonical(text.utf8)
    else { return nil }
    self.init(baseUnits: value)
  }

  /// Parses an amount in token units (`"12.5"`) for an asset with `decimals` decimals.
  ///
  /// Accepts exactly `(0|[1-9][0-9]*)(\.[0-9]+)?`. More fractional digits than `decimals` is
  /// `precisionExceeded` (even when they are zeros, so that no input is silently changed);
  /// signs, exponents, whitespace, `.5`, `1.`, `01` are `invalidAmount`; a value above
  /// 2^128 − 1 base units is `amountOverflow`.
  public init(parsing text: String, decimals: Int) throws(LedgerError) {
    precondition((0...38).contains(decimals), "decimals are validated with the asset")
    let bytes = Array(text.utf8)
    guard let split = DecimalText.split(bytes) else {
      throw LedgerError(.invalidAmount, "'\(text.truncatedForMessage)' is not a decimal amount")
    }
    if split.fraction.count > decimals {
      throw LedgerError(
        .precisionExceeded,
        "'\(text.truncatedForMessage)' has \(split.fraction.count) fractional digits;"
          + " the asset has \(decimals)")
    }
    var value: UInt128 = 0
    let padding = decimals - split.fraction.count
    for digit in split.integer + split.fraction {
      guard let next = DecimalText.appendDigit(value, digit) else {
        throw LedgerError(
          .amountOverflow, "'\(text.truncatedForMessage)' exceeds 2^128 - 1 base units")
      }
      value = next
    }
    for _ in 0..<padding {
      guard let next = DecimalText.appendDigit(value, UInt8(ascii: "0")) else {
        throw LedgerError(
          .amountOverflow, "'\(text.truncatedForMessage)' exceeds 2^128 - 1 base units")
      }
      value = next
    }
    self.init(baseUnits: value)
  }

  /// The amount in token units, canonical: no trailing fractional zeros, no exponent,
  /// no decimal point for whole amounts.
  public func formatted(decimals: Int) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(41)
    DecimalText.appendUnits(baseUnits, decimals: decimals, to: &output)
    return String(decoding: output, as: UTF8.self)
  }

}

extension String {
  /// The string cut to a length that keeps an error message on one readable line.
  var truncatedForMessage: String {
    let limit = Limits.messageQuotedCharactersMax
    // Control characters (C0, DEL, C1) and line separators are shown as '?': a message is one
    // line that a terminal shows as it is.
    let cleaned = String(
      unicodeScalars.map { scalar in
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
          || scalar.value == 0x2029 ? "?" : Character(scalar)
      })
    return cleaned.count <= limit ? cleaned : cleaned.prefix(limit) + "…"
  }
}
