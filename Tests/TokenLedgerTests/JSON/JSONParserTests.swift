import Testing

@testable import TokenLedger

/// Proves the strict JSON reader: exact number text, escapes, and rejection of hostile shapes
/// (duplicate keys, deep nesting, invalid UTF-8, trailing data) without crashing.
@Suite struct JSONParserTests {
  @Test func keepsNumbersAsWritten() throws {
    let value = try JSONParser.parse(
      #"{"a": 18446744073709551617, "b": -1.5e3, "c": [true, null, "x"]}"#)
    #expect(value["a"] == .number("18446744073709551617"))
    #expect(value["b"] == .number("-1.5e3"))
    #expect(value["c"] == .array([.bool(true), .null, .string("x")]))
  }

  @Test func decodesEscapes() throws {
    #expect(try JSONParser.parse(#""a\"b\\c\u00e9\ud83d\ude00\n""#) == .string("a\"b\\cé😀\n"))
  }

  @Test(arguments: [
    #"{"a":1,"a":2}"#, #"{"a":1} x"#, #"[1,]"#, #"{"a":}"#, "01", "1.", ".5", "-", #""\ud800""#,
    #""\x""#, "\"a\u{01}\"", "", "nul", #"{"a" 1}"#, "[", #"{"a":1"#, "tru",
  ])
  func rejectsMalformedDocuments(text: String) {
    #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
  }

  @Test func rejectsInvalidUTF8AndDeepNesting() {
    #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
    let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
    #expect((try? JSONParser.parse(fine)) != nil)
  }

  @Test func canonicalFormSortsKeysAndEscapesControls() throws {
    let value = try JSONParser.parse(#"{"b": 1, "a": "x\u0001\"", "B": [ ]}"#)
    #expect(CanonicalJSON.encode(value) == #"{"B":[],"a":"x\u0001\"","b":1}"#)
    #expect(try JSONParser.parse(CanonicalJSON.encode(value)) == value)
  }

  @Test func utcTimesRoundTrip() {
    #expect(UTCTime.parse("1970-01-01T00:00:00Z") == 0)
    #expect(UTCTime.parse("2024-02-29T12:34:56Z") == 1_709_210_096)
    #expect(UTCTime.format(1_709_210_096) == "2024-02-29T12:34:56Z")
    for bad in [
      "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
      "2024-01-01 00:00:00Z", "2024-01-01T00:00:00+01:00", "2024-01-01T00:00:00-00:00",
      "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00,5Z", "2024-01-01T00:00:00.5",
      "2024-01-01T00:00:00.1234567890123456789Z", "2024-01-01T00:00:00Z+00:00",
    ] {
      #expect(UTCTime.parse(bad) == nil, "\(bad)")
    }
  }

  /// RFC 3339 in UTC as chains write it: `+00:00` and fractional seconds, which the clock's
  /// whole seconds truncate (the contract's rule), so every spelling of one instant is equal.
  @Test func chainTimesWithFractionsAndOffsetsAreTheirWholeSecond() {
    let second: Int64 = 1_626_799_995  // 2021-07-20T16:53:15Z
    for text in [
      "2021-07-20T16:53:15Z", "2021-07-20T16:53:15+00:00", "2021-07-20T16:53:15.227398327Z",
      "2021-07-20T16:53:15.999999999+00:00", "2021-07-20T16:53:15.0Z",
    ] {
      #expect(UTCTime.parse(text) == second, "\(text)")
    }
    #expect(UTCTime.format(second) == "2021-07-20T16:53:15Z")
  }
}
