/// The reads of entries' recorded operations: what `replay`, `export`, `reconcile` and the
/// idempotency lookup read back (the stored payload, or, for a transfer stored without one,
/// its first posting: see ``StoredPayload``).
extension Database {
  /// The transfer a NULL payload stands for, as read from its posting.
  struct StoredTransfer {
    let asset: String
    let from: String
    let to: String
    let amount: Amount
  }

  /// An entry's recorded operation as stored: its sequence, id (as text), kind, payload, and
  /// the posting of a transfer stored without a payload. `malformedTransfer` says that the
  /// posting was there but could not be read (an account or amount missing): reading the
  /// operation then fails, and a reader that goes on past it can name the entry.
  struct StoredOperation {
    let sequence: Int64
    let id: String?
    let kind: String
    let payload: String?
    let transfer: StoredTransfer?
    let malformedTransfer: Bool
  }

  /// The columns that read an entry's operation back, `e.seq` first; follow them with
  /// `FROM entries e` and ``transferJoin``.
  var operationColumns: String {
    """
    e.seq, \(idText("e.idempotency_id")), e.kind, e.asset, e.payload, tp.asset, tf.holder,
    tt.holder, tp.amount
    """
  }

  /// Joins a NULL-payload transfer's posting and its two accounts (no rows joined otherwise).
  static let transferJoin = """
    LEFT JOIN postings tp ON e.payload IS NULL AND tp.entry_seq = e.seq AND tp.posting_index = 0
    LEFT JOIN accounts tf ON tf.id = tp.from_account
    LEFT JOIN accounts tt ON tt.id = tp.to_account
    """

  /// The operation of a row selected with ``operationColumns`` (columns 0–8).
  static func storedOperation(_ row: Row) -> StoredOperation {
    var transfer: StoredTransfer? = nil
    var malformed = false
    if let asset = row.text(5) {
      if let from = row.text(6), let to = row.text(7), let amountText = row.text(8),
        let amount = Amount(baseUnitText: amountText)
      {
        transfer = StoredTransfer(asset: asset, from: from, to: to, amount: amount)
      } else {
        malformed = true
      }
    }
    return StoredOperation(
      sequence: row.integer(0) ?? 0, id: row.text(1), kind: row.text(2) ?? "",
      payload: row.text(4), transfer: transfer, malformedTransfer: malformed)
  }

  /// Every entry up to `point` in sequence order, with its recorded operation.
  func forEachStoredOperation(
    upTo point: PointInTime, _ body: (StoredOperation) throws -> Void
  ) throws {
    let (filter, value) = Self.entryFilter(point)
    try forEachRow(
      """
      SELECT \(operationColumns) FROM entries e \(Self.transferJoin)
      WHERE \(filter) ORDER BY e.seq
      """, [value]
    ) { row in try body(Self.storedOperation(row)) }
  }

  /// The movements of `asset` (transfers, transferFroms, mints and burns) at heights in
  /// `blocks`, in sequence order, each with whether its id is in the temporary table
  /// `reconcile_seen` (``createReconcileSeen()``).
  func forEachMovement(
    asset: String, blocks: ClosedRange<Int64>,
    _ body: (StoredOperation, _ isSeen: Bool) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT \(operationColumns),
        EXISTS (SELECT 1 FROM \(temporarySchema).reconcile_seen s
          WHERE s.key = \(idText("e.idempotency_id")))
      FROM entries e \(Self.transferJoin)
      WHERE e.asset = $1 AND e.kind IN ('transfer', 'transferFrom', 'mint', 'burn', 'burnFrom')
        AND e.height BETWEEN $2 AND $3
      ORDER BY e.seq
      """, [.text(asset), .integer(blocks.lowerBound), .integer(blocks.upperBound)]
    ) { row in try body(Self.storedOperation(row), row.integer(9) == 1) }
  }
}
