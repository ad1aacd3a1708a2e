/// The reads of an account's history: its balance rows, one entry's postings in an asset with
/// their links, and an entry's header.
extension Database {
  /// One of a holder's balance rows: account id, bucket, asset, the last entry that moved it
  /// and the amount.
  struct BalanceRow {
    let account: Int64
    let bucket: Bucket
    let asset: String
    let lastEntry: Int64
    let amount: SignedAmount
  }

  /// One posting of an entry, with its links and the entry's clock.
  struct LinkedPosting {
    let index: Int64
    let from: Int64
    let to: Int64
    let amount: SignedAmount
    let fromPrevious: Int64?
    let toPrevious: Int64?
    let height: Int64?
    let time: Int64?
  }

  /// An entry's kind, id (as text), height, time and asset.
  struct EntryHeader {
    let kind: String
    let id: String?
    let height: Int64?
    let time: Int64?
    let asset: String?
  }

  /// Every balance row of `holder`, in `asset` or in any.
  func balanceRows(holder: String, asset: String?) throws -> [BalanceRow] {
    var rows: [BalanceRow] = []
    try forEachRow(
      """
      SELECT a.id, a.bucket, a.validator, a.detail, b.asset, b.last_entry, b.amount
      FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.holder = $1 AND (CAST($2 AS TEXT) IS NULL OR b.asset = $3)
      """, [.text(holder), SQLValue(asset), SQLValue(asset)]
    ) { row in
      guard let bucket = Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!)
      else {
        throw DatabaseError(resultCode: 11, message: "account of \(holder) has a malformed bucket")
      }
      rows.append(
        BalanceRow(
          account: row.integer(0)!, bucket: bucket, asset: row.text(4)!,
          lastEntry: row.integer(5) ?? 0, amount: try Self.decodedAmount(row.text(6)!)))
    }
    return rows
  }

  /// The postings of entry `sequence` in `asset`.
  func forEachPosting(
    ofEntry sequence: Int64, asset: String, _ body: (LinkedPosting) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT p.posting_index, p.from_account, p.to_account, p.amount, p.from_previous,
        p.to_previous, e.height, e.time
      FROM postings p JOIN entries e ON e.seq = p.entry_seq
      WHERE p.entry_seq = $1 AND p.asset = $2
      """, [.integer(sequence), .text(asset)]
    ) { row in
      try body(
        LinkedPosting(
          index: row.integer(0)!, from: row.integer(1)!, to: row.integer(2)!,
          amount: try Self.decodedAmount(row.text(3)!), fromPrevious: row.integer(4),
          toPrevious: row.integer(5), height: row.integer(6), time: row.integer(7)))
    }
  }

  /// The account with this id; nil when there is none or its bucket does not decode.
  func accountIfWellFormed(id: Int64) throws -> Account? {
    try firstRow(
      "SELECT holder, bucket, validator, detail FROM accounts WHERE id = $1", [.integer(id)]
    ) { row in
      Bucket(kind: row.text(1)!, validator: row.text(2)!, detail: row.text(3)!).map {
        Account(holder: row.text(0)!, bucket: $0)
      }
    } ?? nil
  }

  /// The header of entry `sequence`, nil when there is none.
  func entryHeader(_ sequence: Int64) throws -> EntryHeader? {
    try firstRow(
      "SELECT kind, \(idText("idempotency_id")), height, time, asset FROM entries WHERE seq = $1",
      [.integer(sequence)]
    ) {
      EntryHeader(
        kind: $0.text(0)!, id: $0.text(1), height: $0.integer(2), time: $0.integer(3),
        asset: $0.text(4))
    }
  }
}
