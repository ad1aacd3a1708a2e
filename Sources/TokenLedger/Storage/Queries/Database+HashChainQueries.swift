/// The reads that recompute the hash chain and check the ids' stored forms: they hand over the
/// stored columns' bytes, never decoded (any byte changed in a hashed column must change the
/// hash).
extension Database {
  /// The column of each value in a row of ``hashedEntries(from:through:)``.
  enum HashedEntryColumn {
    static let sequence = 0
    static let id = 1
    /// Kind, asset and payload: the three text columns, in the hash's order.
    static let texts = 2...4
    static let height = 5
    static let time = 6
    static let hash = 7
  }

  /// The column of each value in a row of ``hashedPostings(from:through:)``.
  enum HashedPostingColumn {
    static let sequence = 0
    static let asset = 1
    static let from = 2
    static let to = 3
    static let amount = 4
  }

  /// Entries `first` through `last` in sequence order, with the columns the hash covers
  /// (``HashedEntryColumn``).
  func hashedEntries(from first: Int64, through last: Int64) throws -> Cursor {
    try cursor(
      """
      SELECT seq, idempotency_id, kind, asset, payload, height, time, hash FROM entries
      WHERE seq BETWEEN $1 AND $2 ORDER BY seq
      """, [.integer(first), .integer(last)])
  }

  /// The postings of entries `first` through `last` in key order, with the columns the hash
  /// covers (``HashedPostingColumn``).
  func hashedPostings(from first: Int64, through last: Int64) throws -> Cursor {
    try cursor(
      """
      SELECT entry_seq, asset, from_account, to_account, amount FROM postings
      WHERE entry_seq BETWEEN $1 AND $2 ORDER BY entry_seq, posting_index
      """, [.integer(first), .integer(last)])
  }

  /// The stored hash bytes of entry `sequence`; nil when there is no such entry, or its hash
  /// is not 32 bytes.
  func storedHash(ofEntry sequence: Int64) throws -> [UInt8]? {
    try firstRow("SELECT hash FROM entries WHERE seq = $1", [.integer(sequence)]) { row in
      row.withBlobBytes(0) { stored in stored.flatMap { $0.count == 32 ? Array($0) : nil } }
    } ?? nil
  }

  /// A lookup of an account's four hashed fields (holder, bucket kind, validator, detail) by
  /// its id, bound as its one value.
  func accountFieldsLookup() throws -> PreparedStatement {
    try prepare("SELECT holder, bucket, validator, detail FROM accounts WHERE id = $1")
  }

  /// Every stored idempotency id in the UNIQUE index's order: its entry, its bytes (a blob's,
  /// or a text's UTF-8), whether it is stored as a blob, its text form for messages, and
  /// whether it is stored in its one form on this engine (``isInItsForm(type:_:)``).
  func forEachStoredIdInIndexOrder(
    _ body: (
      _ sequence: Int64, _ bytes: [UInt8], _ isBlob: Bool, _ text: String?, _ isInItsForm: Bool
    ) throws -> Void
  ) throws {
    // PostgreSQL stores every id as text, in a column of type text.
    let type = engine == .postgres ? "'text'" : "typeof(idempotency_id)"
    try forEachRow(
      """
      SELECT idempotency_id, seq, \(type) FROM entries\(indexedBy("sqlite_autoindex_entries_1"))
      WHERE idempotency_id IS NOT NULL ORDER BY idempotency_id
      """
    ) { row in
      let type = row.text(2) ?? ""
      let isBlob = type == "blob"
      var bytes: [UInt8] = []
      if isBlob {
        row.withBlobBytes(0) { bytes = Array($0 ?? UnsafeBufferPointer(start: nil, count: 0)) }
      } else {
        row.withTextBytes(0) { bytes = Array($0 ?? UnsafeBufferPointer(start: nil, count: 0)) }
      }
      try body(
        row.integer(1) ?? 0, bytes, isBlob, row.idText(0),
        engine == .postgres ? type == "text" : Self.isInItsForm(type: type, bytes))
    }
  }

  /// Whether an id of SQLite storage class `type` with these bytes is in its one stored form:
  /// a BLOB is a hash's 32 bytes and a log index's digits (no leading zero); a TEXT is any id
  /// that does not have the on-chain form. (On PostgreSQL every id is TEXT.)
  static func isInItsForm(type: String, _ bytes: [UInt8]) -> Bool {
    switch type {
    case "blob":
      let digits = bytes.dropFirst(32)
      return bytes.count >= 33 && bytes.count <= 42
        && digits.allSatisfy { (48...57).contains($0) }
        && (digits.count == 1 || digits.first != UInt8(ascii: "0"))
    case "text":
      guard bytes.count >= 68, bytes.starts(with: Array("0x".utf8)) else { return true }
      return StoredId.compact(String(decoding: bytes, as: UTF8.self)) == nil
    default:
      return false
    }
  }
}
