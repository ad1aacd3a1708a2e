/// The reads behind reward statements: the asset's staking entries with their postings, the
/// accounts they name, and sums of postings by entry kind.
extension Database {
  /// One posting row of a staking entry: the entry's sequence, kind and time, its payload on
  /// its first row only, and the posting (nil for an entry without postings in the asset).
  struct StatementPosting {
    let sequence: Int64
    let kind: String
    let time: Int64?
    let payload: String?
    let units: UInt128?
    let from: Int64
    let to: Int64
  }

  /// The entries of `kinds` of `asset` (and the entries of `stakeKinds` of any asset whose
  /// postings move `asset`), one row per posting in `asset`, in entry and posting order.
  func forEachStatementPosting(
    asset: String, kinds: [EntryKind], stakeKinds: String,
    _ body: (StatementPosting) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT e.seq, e.kind, e.time,
        CASE WHEN p.posting_index IS NULL OR p.posting_index = 0 THEN e.payload END,
        p.amount, p.from_account, p.to_account
      FROM entries e LEFT JOIN postings p ON p.entry_seq = e.seq AND p.asset = $1
      WHERE e.kind IN (\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")))
        AND e.kind <> 'transfer'
        AND (e.asset = $2 OR (e.kind IN (\(stakeKinds)) AND p.asset IS NOT NULL))
      ORDER BY e.seq, p.posting_index
      """, [.text(asset), .text(asset)]
    ) { row in
      let sequence = row.integer(0)!
      let units = try row.withTextBytes(4) { bytes in
        try bytes.map { bytes in
          guard let units = DecimalText.parseDigits(bytes), units != 0 else {
            throw DatabaseError(
              resultCode: 11,
              message: "entry \(sequence) has a posting that is not a positive amount")
          }
          return units
        }
      }
      try body(
        StatementPosting(
          sequence: sequence, kind: row.text(1) ?? "", time: row.integer(2),
          payload: row.text(3), units: units, from: row.integer(5) ?? 0, to: row.integer(6) ?? 0))
    }
  }

  /// An account's holder, bucket kind and validator by id, nil when there is none.
  func accountSides(id: Int64) throws -> (holder: String, bucket: String, validator: String)? {
    try firstRow("SELECT holder, bucket, validator FROM accounts WHERE id = $1", [.integer(id)]) {
      ($0.text(0)!, $0.text(1)!, $0.text(2)!)
    }
  }

  /// Σ of the postings in `asset` of entries of `kinds` with a time in [from, to) (either end
  /// open when nil), only those to accounts of the given bucket kinds when `toBuckets` is set.
  func postingSum(
    asset: String, kinds: [EntryKind], toBuckets: [String]?, from: Int64?, to: Int64?
  ) throws -> SignedAmount {
    let list = { (items: [String]) in items.map { "'\($0)'" }.joined(separator: ", ") }
    let bucketFilter =
      toBuckets.map {
        "AND p.to_account IN (SELECT id FROM accounts WHERE bucket IN (\(list($0))))"
      } ?? ""
    let text = try firstRow(
      """
      SELECT amount_sum(p.amount) FROM entries e JOIN postings p ON p.entry_seq = e.seq
      WHERE e.kind IN (\(list(kinds.map(\.rawValue)))) AND e.kind <> 'transfer' AND p.asset = $1 \(bucketFilter)
        AND (CAST($2 AS BIGINT) IS NULL OR e.time >= $3)
        AND (CAST($4 AS BIGINT) IS NULL OR e.time < $5)
      """,
      [.text(asset), SQLValue(from), SQLValue(from), SQLValue(to), SQLValue(to)]
    ) { $0.text(0) }
    return try Self.decodedAmount((text ?? nil) ?? "0")
  }
}
