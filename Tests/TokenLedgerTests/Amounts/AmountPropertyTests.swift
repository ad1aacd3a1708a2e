import PropertyBased
import Testing

@testable import TokenLedger

/// Proves for random base-unit values and decimals that formatting then parsing is the
/// identity, so no amount is ever changed by passing through text.
@Suite struct AmountPropertyTests {
  @Test func formatThenParseIsTheIdentity() async {
    await propertyCheck(
      count: 500, input: Gen.uint64(), Gen.uint64(), Gen.int(in: 0...38)
    ) { high, low, decimals in
      let amount = Amount(baseUnits: UInt128(high) << 64 | UInt128(low))
      let text = amount.formatted(decimals: decimals)
      #expect((try? Amount(parsing: text, decimals: decimals)) == amount)
      #expect(!text.hasSuffix(".") && !(text.contains(".") && text.hasSuffix("0")))
    }
  }

  @Test func digitsSpellTheValueAsTheStandardLibraryDoes() async {
    for value in [0, 9, 10, UInt128(UInt64.max), UInt128(UInt64.max) + 1, UInt128.max] {
      #expect(DecimalText.string(value) == String(value))
    }
    for exponent in 0...38 {
      let power = (0..<exponent).reduce(UInt128(1)) { value, _ in value * 10 }
      #expect(DecimalText.string(power) == String(power))
      #expect(DecimalText.string(power - 1) == String(power - 1))
    }
    await propertyCheck(count: 500, input: Gen.uint64(), Gen.uint64(), Gen.int(in: 0...127)) {
      high, low, shift in
      let value = (UInt128(high) << 64 | UInt128(low)) >> shift
      #expect(DecimalText.string(value) == String(value))
    }
  }

  @Test func signedSumsMatchTheirParts() async {
    await propertyCheck(count: 300, input: Gen.uint64(), Gen.uint64(), Gen.bool, Gen.bool) {
      a, b, negA, negB in
      let left = SignedAmount(isNegative: negA, magnitude: UInt128(a))
      let right = SignedAmount(isNegative: negB, magnitude: UInt128(b))
      let sum = left.adding(right)!
      #expect(sum.adding(right.negated) == left)
      #expect(SignedAmount(text: sum.description) == sum)
    }
  }
}
