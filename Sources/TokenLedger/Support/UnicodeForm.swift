/// One text, one key: free-form keys (holder names and validator ids of the `any` scheme,
/// hold ids, idempotency ids) must be in Unicode Normalization Form C.
///
/// Why: Swift's `String ==` treats canonically equivalent texts as equal (NFC `café` and NFD
/// `cafe` + U+0301), while SQLite compares bytes. A ledger that let both in would key one
/// account twice in its tables and once in its caches. Refusing every text that is not NFC
/// (rather than normalising it silently) makes the two comparisons agree: two NFC texts are
/// canonically equivalent exactly when their bytes are equal. The caller is told the rule
/// and can normalise on its side, so what it stored is byte for byte what it sent.
enum UnicodeForm {
  /// Why `text` cannot be a key, or `nil` when it is NFC.
  static func problem(_ text: String) -> String? {
    // ASCII is always NFC: the common case costs one pass over the bytes.
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return nil }
    // The standard library's own normaliser (the one `String ==` uses).
    guard text.utf8.elementsEqual(text._nfcCodeUnits) else {
      return "is not in Unicode normalization form C (NFC); normalize it before sending"
    }
    return nil
  }
}
