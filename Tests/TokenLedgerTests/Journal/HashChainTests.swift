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
    var first: [UInt8] = []
    HashChain.append("ab", to: &first)
    HashChain.append("c", to: &first)
    var second: [UInt8] = []
    HashChain.append("a", to: &second)
    HashChain.append("bc", to: &second)
    #expect(first != second)
    #expect(String(decoding: first, as: UTF8.self) == "2:ab1:c")
    var absent: [UInt8] = []
    HashChain.append(nil, to: &absent)
    HashChain.append("", to: &absent)
    #expect(String(decoding: absent, as: UTF8.self) == "-0:")
  }
}
