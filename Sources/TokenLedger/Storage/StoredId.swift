/// How an idempotency id is stored: an on-chain id `0x<64 hex digits>:<log index>` (lowercase
/// hex, the index without leading zeros, at most 10 digits) as a BLOB of the hash's 32 bytes
/// followed by the index's decimal digits; any other id as its text. One id has one stored
/// form, so the UNIQUE index sees every reuse; the audit checks that no TEXT id has the
/// on-chain form.
enum StoredId {
  /// The stored form of `id` on SQLite (PostgreSQL stores every id as text:
  /// ``Database/storedId(_:)``).
  static func value(_ id: String) -> SQLValue {
    compact(id).map { .blob($0) } ?? .text(id)
  }

  /// The BLOB form of an on-chain id; nil for any other id.
  static func compact(_ id: String) -> [UInt8]? {
    let utf8 = Array(id.utf8)
    guard utf8.count >= 68, utf8.count <= 77, utf8[0] == UInt8(ascii: "0"),
      utf8[1] == UInt8(ascii: "x"), utf8[66] == UInt8(ascii: ":")
    else { return nil }
    let digits = utf8[67...]
    guard digits.allSatisfy({ (48...57).contains($0) }),
      digits.count == 1 || digits.first != UInt8(ascii: "0")
    else { return nil }
    guard let hash = HashChain.bytes(validHex: String(decoding: utf8[2..<66], as: UTF8.self))
    else { return nil }
    return hash + digits
  }

  /// The text of a stored BLOB id: `0x`, the hash's hex, `:`, the index.
  static func text(compact bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var output = Array("0x".utf8)
    var hex = [UInt8](repeating: 0, count: 64)
    HashChain.hexDigits(bytes.prefix(32), into: &hex)
    output += hex
    output.append(UInt8(ascii: ":"))
    output += bytes.dropFirst(32)
    return output
  }

  /// An id column as text in SQL (for readers that compare or show it).
  static func textSQL(_ column: String) -> String {
    """
    (CASE WHEN typeof(\(column)) = 'blob' THEN '0x' || lower(hex(substr(\(column), 1, 32))) || ':'
      || CAST(substr(\(column), 33) AS TEXT) ELSE \(column) END)
    """
  }
}
