import Crypto

/// What an entry's `payload` column holds, and how the operation is read back from it.
///
/// - Format 1: the operation's canonical JSON, id included.
/// - Format 2: the canonical JSON without the id (the id is the `idempotency_id` column), or
///   NULL for a transfer whose one posting states it in full: `available` to `available`, the
///   operation's asset, holders and amount, and no clock fields. Such a transfer is rebuilt
///   from its posting; the hash covers the posting, so nothing is lost.
enum StoredPayload {
  private static func transferMembers(
    _ asset: String, _ from: String, _ to: String, _ amount: Amount, _ decimals: Int
  ) -> [(String, JSONValue)] {
    [
      ("op", .string("transfer")), ("asset", .string(asset)), ("from", .string(from)),
      ("to", .string(to)), ("amount", .string(amount.formatted(decimals: decimals))),
    ]
  }

  /// Whether `operation` compiled into `postings` is a transfer its posting states in full.
  static func isStatedByPosting(_ operation: Operation, _ postings: [Posting]) -> Bool {
    guard case .transfer(let asset, let from, let to, let amount) = operation.action,
      operation.height == nil, operation.time == nil, postings.count == 1
    else { return false }
    let posting = postings[0]
    return posting.asset == asset && posting.amount == amount
      && posting.from == Account(holder: from, bucket: .available)
      && posting.to == Account(holder: to, bucket: .available)
  }

  /// The transfer a NULL payload stands for, as read from its posting.
  struct TransferPosting {
    let asset: String
    let from: String
    let to: String
    let amount: Amount
  }

  /// The operation an entry records, as the JSON object `apply` accepts (id included).
  /// `format2` says how the row was written; `decimals` gives an asset's decimals.
  static func operation(
    format2: Bool, id: String?, stored: String?, transfer: TransferPosting?,
    decimals: (String) throws -> Int
  ) throws -> [String: JSONValue] {
    var object: [String: JSONValue]
    if let stored {
      guard let parsed = try? JSONParser.parse(stored).objectValue else {
        throw DatabaseError(resultCode: 11, message: "an entry's payload is not a JSON object")
      }
      object = parsed
    } else {
      guard format2, let transfer else {
        throw DatabaseError(
          resultCode: 11, message: "an entry has no payload and is not a transfer with a posting")
      }
      object = [:]
      for (key, value) in transferMembers(
        transfer.asset, transfer.from, transfer.to, transfer.amount,
        try decimals(transfer.asset))
      {
        object[key] = value
      }
    }
    if format2, let id { object["id"] = .string(id) }
    return object
  }

  /// The canonical text of ``operation(format2:id:stored:transfer:decimals:)``; a format-1
  /// payload is that text already.
  static func operationText(
    format2: Bool, id: String?, stored: String?, transfer: TransferPosting?,
    decimals: (String) throws -> Int
  ) throws -> String {
    if !format2, let stored { return stored }
    // The bulk of a journal: a transfer its posting states, written without a dictionary.
    if format2, stored == nil, let transfer {
      var members = transferMembers(
        transfer.asset, transfer.from, transfer.to, transfer.amount, try decimals(transfer.asset))
      if let id { members.append(("id", .string(id))) }
      return CanonicalJSON.encode(members: members)
    }
    return CanonicalJSON.encode(
      .object(
        try operation(
          format2: format2, id: id, stored: stored, transfer: transfer, decimals: decimals)))
  }

  /// The columns that read an entry's operation back, to follow `SELECT e.seq, ` and precede
  /// `FROM entries e` + ``transferJoin``: id, kind, asset, payload, then the NULL-payload
  /// transfer's posting (asset, from holder, to holder, amount).
  static let columns: String = """
    \(StoredId.textSQL("e.idempotency_id")), e.kind, e.asset, e.payload, tp.asset, tf.holder,
    tt.holder, tp.amount
    """

  /// Joins a NULL-payload transfer's posting and its two accounts (no rows joined otherwise).
  static let transferJoin = """
    LEFT JOIN postings tp ON e.payload IS NULL AND tp.entry_seq = e.seq AND tp.posting_index = 0
    LEFT JOIN accounts tf ON tf.id = tp.from_account
    LEFT JOIN accounts tt ON tt.id = tp.to_account
    """

  /// Reads ``columns`` starting at `first` of `row`.
  static func read(_ row: Row, from first: Int) throws -> (
    id: String?, kind: String, stored: String?, transfer: TransferPosting?
  ) {
    var transfer: TransferPosting? = nil
    if let asset = row.text(first + 4) {
      guard let from = row.text(first + 5), let to = row.text(first + 6),
        let amountText = row.text(first + 7), let amount = Amount(baseUnitText: amountText)
      else {
        throw DatabaseError(
          resultCode: 11, message: "a transfer's posting names a missing account or amount")
      }
      transfer = TransferPosting(asset: asset, from: from, to: to, amount: amount)
    }
    return (row.text(first), row.text(first + 1) ?? "", row.text(first + 3), transfer)
  }
}

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

extension Journal {
  /// The SELECT list that reads entries' operations back: `e.seq`, then
  /// ``StoredPayload/columns``; follow it with `FROM entries e` and ``StoredPayload/transferJoin``.
  static let operationColumns = "e.seq, \(StoredPayload.columns)"

  /// The operation of a row selected with ``operationColumns`` (columns 0–8), as the JSON object
  /// `apply` accepts, id included.
  func operationObject(_ row: Row) throws -> [String: JSONValue] {
    let sequence = row.integer(0) ?? 0
    let stored = try StoredPayload.read(row, from: 1)
    return try StoredPayload.operation(
      format2: format(of: sequence) == .two, id: stored.id, stored: stored.stored,
      transfer: stored.transfer, decimals: { try self.requireDecimals($0) })
  }

  /// The canonical text of ``operationObject(_:)``.
  func operationText(_ row: Row) throws -> String {
    let sequence = row.integer(0) ?? 0
    let stored = try StoredPayload.read(row, from: 1)
    return try StoredPayload.operationText(
      format2: format(of: sequence) == .two, id: stored.id, stored: stored.stored,
      transfer: stored.transfer, decimals: { try self.requireDecimals($0) })
  }
}
