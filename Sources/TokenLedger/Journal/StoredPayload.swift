import Crypto

/// What an entry's `payload` column holds, and how the operation is read back from it.
///
/// - Format 1: the operation's canonical JSON, id included.
/// - Format 2: the canonical JSON without the id (the id is the `idempotency_id` column), or
///   NULL for a transfer whose one posting states it in full: `available` to `available`, the
///   operation's asset, holders and amount, and no clock fields. Such a transfer is rebuilt
///   from its posting; the hash covers the posting, so nothing is lost.
enum StoredPayload {
  /// The canonical JSON, without id, of a transfer stored as NULL.
  static func transfer(asset: String, from: String, to: String, amount: Amount, decimals: Int)
    -> String
  {
    CanonicalJSON.encode(members: transferMembers(asset, from, to, amount, decimals))
  }

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
    return CanonicalJSON.encode(
      .object(
        try operation(
          format2: format2, id: id, stored: stored, transfer: transfer, decimals: decimals)))
  }

  /// The columns that read an entry's operation back, to follow `SELECT e.seq, ` and precede
  /// `FROM entries e` + ``transferJoin``: id, kind, asset, payload, then the NULL-payload
  /// transfer's posting (asset, from holder, to holder, amount).
  static let columns = """
    e.idempotency_id, e.kind, e.asset, e.payload, tp.asset, tf.holder, tt.holder, tp.amount
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

/// The key the idempotency index is on: the first 8 bytes of SHA-256 of the id, big-endian,
/// as a signed integer. Two ids may share a key; the text is compared on a hit.
enum IdempotencyKey {
  static func of(_ id: String) -> Int64 {
    let digest = SHA256.hash(data: Array(id.utf8))
    var key: UInt64 = 0
    for byte in digest.prefix(8) { key = key << 8 | UInt64(byte) }
    return Int64(bitPattern: key)
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
