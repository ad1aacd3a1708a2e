import Testing

@testable import TokenLedger

/// Proves the hash chain's canonical bytes: length-prefixed fields (so names cannot run into
/// each other) with lengths written exactly as decimal text.
@Suite struct HashChainTests {
  @Test(arguments: [0, 7, 9, 10, 99, 100, 12_345, Int(Int32.max), Int.max])
  func decimalLengthsMatchTheirText(value: Int) {
    var bytes: [UInt8] = [0xFF]
    HashChain.appendDecimal(value, to: &bytes)
    #expect(bytes == [0xFF] + Array(String(value).utf8))
  }

  @Test func fieldsAreLengthPrefixedSoNamesCannotRunTogether() {
    var first = HashChain.CanonicalBytes(capacity: 8)
    first.field("ab")
    first.field("c")
    var second = HashChain.CanonicalBytes(capacity: 8)
    second.field("a")
    second.field("bc")
    #expect(first.bytes != second.bytes)
    #expect(String(decoding: first.bytes, as: UTF8.self) == "2:ab1:c")
    var absent = HashChain.CanonicalBytes(capacity: 8)
    absent.field(nil as String?)
    absent.field("")
    #expect(String(decoding: absent.bytes, as: UTF8.self) == "-0:")
  }

  @Test(arguments: [nil, 0, 9, 10, 1_700_000_000, -1, -86_400, Int64.max, Int64.min])
  func integerFieldsAreTheirDecimalText(value: Int64?) {
    var canonical = HashChain.CanonicalBytes(capacity: 32)
    canonical.field(integer: value)
    var expected = HashChain.CanonicalBytes(capacity: 32)
    expected.field(value.map { String($0) })
    #expect(canonical.bytes == expected.bytes)
  }
}
