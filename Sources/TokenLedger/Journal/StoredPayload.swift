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
  typealias TransferPosting = Database.StoredTransfer

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
}

extension Journal {
  /// The operation of a stored entry, as the JSON object `apply` accepts, id included.
  func operationObject(_ stored: Database.StoredOperation) throws -> [String: JSONValue] {
    try Self.requireReadable(stored)
    return try StoredPayload.operation(
      format2: format(of: stored.sequence) == .two, id: stored.id, stored: stored.payload,
      transfer: stored.transfer, decimals: { try self.requireDecimals($0) })
  }

  /// The canonical text of ``operationObject(_:)``.
  func operationText(_ stored: Database.StoredOperation) throws -> String {
    try Self.requireReadable(stored)
    return try StoredPayload.operationText(
      format2: format(of: stored.sequence) == .two, id: stored.id, stored: stored.payload,
      transfer: stored.transfer, decimals: { try self.requireDecimals($0) })
  }

  private static func requireReadable(_ stored: Database.StoredOperation) throws {
    if stored.malformedTransfer {
      throw DatabaseError(
        resultCode: 11, message: "a transfer's posting names a missing account or amount")
    }
  }
}
