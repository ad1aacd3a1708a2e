import Testing

@testable import TokenLedger

/// Proves that amounts convert between token units and base units exactly, at the extremes,
/// and that every malformed text gets its own stable error code.
@Suite struct AmountTests {
  @Test func parsesAndFormatsExactly() throws {
    #expect(try Amount(parsing: "12.5", decimals: 18).baseUnits == 12_500_000_000_000_000_000)
    #expect(try Amount(parsing: "0", decimals: 18).baseUnits == 0)
    #expect(try Amount(parsing: "0.000000000000000001", decimals: 18).baseUnits == 1)
    #expect(try Amount(parsing: "7", decimals: 0).baseUnits == 7)
    #expect(Amount(baseUnits: 12_500_000_000_000_000_000).formatted(decimals: 18) == "12.5")
    #expect(Amount(baseUnits: 1).formatted(decimals: 18) == "0.000000000000000001")
    #expect(Amount(baseUnits: 0).formatted(decimals: 9) == "0")
    #expect(Amount(baseUnits: 1_000_000_000).formatted(decimals: 9) == "1")
  }

  @Test func theLargestAmountRoundTripsAtEighteenDecimals() throws {
    let text = "340282366920938463463.374607431768211455"
    let amount = try Amount(parsing: text, decimals: 18)
    #expect(amount == .max)
    #expect(amount.formatted(decimals: 18) == text)
    #expect(Amount.max.formatted(decimals: 38) == "3.40282366920938463463374607431768211455")
    #expect(Amount.max.description == "340282366920938463463374607431768211455")
  }

  @Test(arguments: [
    ("340282366920938463463.374607431768211456", ErrorCode.amountOverflow),
    ("340282366920938463464", .amountOverflow),
    ("99999999999999999999999999999999999999999", .amountOverflow),
    ("1.0000000000000000000", .precisionExceeded),
    ("0.0000000000000000001", .precisionExceeded),
    ("-1", .invalidAmount), ("+1", .invalidAmount), ("1e3", .invalidAmount),
    (" 1", .invalidAmount), ("1 ", .invalidAmount), (".5", .invalidAmount), ("1.", .invalidAmount),
    ("01", .invalidAmount), ("", .invalidAmount), ("1,000", .invalidAmount),
    ("0x10", .invalidAmount),
    ("1.2.3", .invalidAmount), ("١", .invalidAmount), ("NaN", .invalidAmount),
  ])
  func rejectsMalformedText(text: String, code: ErrorCode) {
    #expect(throws: LedgerError.self) { try Amount(parsing: text, decimals: 18) }
    do {
      _ = try Amount(parsing: text, decimals: 18)
    } catch {
      #expect(error.code == code, "\(text)")
    }
  }

  @Test func checkedArithmeticNeverWraps() {
    #expect(Amount.max.adding(Amount(baseUnits: 1)) == nil)
    #expect(Amount.zero.subtracting(Amount(baseUnits: 1)) == nil)
    #expect(Amount(baseUnits: 5).subtracting(Amount(baseUnits: 5)) == .zero)
  }

  @Test func signedAmountsKeepOneZeroAndTheFullRange() {
    #expect(SignedAmount(text: "-0") == nil)
    #expect(SignedAmount(text: "007") == nil)
    #expect(
      SignedAmount(text: "-340282366920938463463374607431768211455")?.magnitude == UInt128.max)
    let minusFive = SignedAmount(isNegative: true, magnitude: 5)
    #expect(minusFive.adding(SignedAmount(Amount(baseUnits: 5))) == .zero)
    #expect(minusFive.adding(SignedAmount(Amount(baseUnits: 7)))?.description == "2")
    let pastMax = SignedAmount(isNegative: true, magnitude: UInt128.max).adding(minusFive)
    #expect(pastMax?.description == "-340282366920938463463374607431768211460")
    #expect(pastMax?.fitsIn128Bits == false)
    #expect(pastMax?.amount == nil)
    #expect(pastMax?.adding(SignedAmount(Amount(baseUnits: 6)))?.magnitude == UInt128.max - 1)
    #expect(pastMax?.adding(SignedAmount(Amount(baseUnits: 6)))?.fitsIn128Bits == true)
    for bad in ["", "-", "-0", "0x1", "1e3"] { #expect(SignedAmount(text: bad) == nil, "\(bad)") }
  }

  /// System counters pass 2^128 − 1 (a system account is a cumulative counter): their text
  /// round-trips up to 2^256 − 1 and is refused past it; sums and formatting stay exact.
  @Test func wideSignedAmountsRoundTripTheirText() {
    let max256 =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    for text in [
      "340282366920938463463374607431768211456", "-340282366920938463463374607431768211456",
      "1000000000000000000000000000000000000000000000000000000", max256, "-" + max256,
    ] {
      #expect(SignedAmount(text: text)?.description == text, "\(text)")
    }
    #expect(SignedAmount(text: max256)?.adding(SignedAmount(Amount(baseUnits: 1))) == nil)
    #expect(
      SignedAmount(
        text: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        == nil)
    let big = SignedAmount(text: "-340282366920938463463374607431768211457000")!
    #expect(big.formatted(decimals: 3) == "-340282366920938463463374607431768211457")
    #expect(big.formatted(decimals: 5) == "-3402823669209384634633746074317682114.57")
  }

  @Test func ratesAreExactFractions() throws {
    let commission = try Rate(parsing: "0.05")
    #expect(commission.floorTimes(Amount(baseUnits: 999)) == Amount(baseUnits: 49))
    #expect(try Rate(parsing: "1").floorTimes(.max) == .max)
    #expect(try Rate(parsing: "0.0001").floorTimes(.max).baseUnits == UInt128.max / 10_000)
    #expect(try Rate(parsing: "0.10") == Rate(parsing: "0.1"))
    for bad in ["1.01", "2", "-0.1", "0.5e1", "", ".5"] {
      #expect(throws: LedgerError(.invalidRate, "'\(bad)' is not a rate between 0 and 1")) {
        try Rate(parsing: bad)
      }
    }
  }
}
