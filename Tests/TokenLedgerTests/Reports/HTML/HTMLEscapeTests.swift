import Testing

@testable import TokenLedger

/// The HTML report escapes what the tables escape: an account name with a right-to-left
/// override, an isolate, a zero-width space or a byte-order mark is shown as `\u{…}`, so that
/// it cannot reorder or hide what an auditor reads; markup is escaped; the joiners that emoji
/// and several scripts need are written as they are.
@Suite struct HTMLEscapeTests {
  @Test(arguments: [0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200B, 0xFEFF, 0x061C, 0x2028])
  func invisibleFormatCharactersAreShownAsEscapes(value: UInt32) throws {
    let scalar = try #require(Unicode.Scalar(value))
    let name = "alice" + String(Character(scalar)) + "evil"
    let escaped = HTML.escape(name)
    #expect(!escaped.unicodeScalars.contains(scalar), "\(String(value, radix: 16))")
    #expect(escaped == "alice\\u{\(String(value, radix: 16, uppercase: true))}evil")
  }

  @Test func markupIsEscapedAndJoinersKept() {
    #expect(HTML.escape("<b>&'\"") == "&lt;b&gt;&amp;&#39;&quot;")
    let family = "👩\u{200D}👧"
    #expect(HTML.escape(family) == family)
  }
}
