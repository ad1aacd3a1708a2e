/// What a table or a page must show as an escape rather than write as it is: characters that
/// are invisible or that change how the text around them reads. One rule for the CLI's tables
/// and the HTML report, so that an account name cannot reorder what an auditor reads in either.
package enum VisibleText {
  /// Control characters, the line and paragraph separators, and invisible format characters
  /// (Unicode Cf: bidirectional overrides and isolates that reorder a line, zero-width spaces,
  /// a byte-order mark), except the zero-width joiner and non-joiner, which are part of how
  /// emoji and several scripts are written.
  package static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
      || scalar.value == 0x2029
      || (scalar.properties.generalCategory == .format && scalar.value != 0x200C
        && scalar.value != 0x200D)
  }

  /// `\u{HEX}` for a hidden scalar.
  package static func escape(_ scalar: Unicode.Scalar) -> String {
    "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
  }
}
