/// Recomputes every entry's hash from its fields and postings, chained from the genesis hash.
/// Any edit, insertion or deletion of an entry or posting, or of an account a posting names,
/// breaks the chain at that entry.
struct HashChainCheck: AuditCheck {
  let name = "hashChain"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    let entries = try context.database.cursor(
      "SELECT seq, idempotency_id, kind, asset, payload, height, time, hash FROM entries ORDER BY seq"
    )
    let postings = try context.database.cursor(
      """
      SELECT p.entry_seq, p.asset, f.holder, f.bucket, f.validator, f.detail,
             t.holder, t.bucket, t.validator, t.detail, p.amount
      FROM postings p LEFT JOIN accounts f ON f.id = p.from_account LEFT JOIN accounts t ON t.id = p.to_account
      ORDER BY p.entry_seq, p.posting_index
      """)
    var pending = try postings.next().map(PostingRow.init)
    var previous = HashChain.genesis
    while let row = try entries.next() {
      let sequence = row.integer(0)!
      let stored = row.text(7) ?? ""
      let fields = HashChain.EntryFields(
        sequence: sequence, idempotencyId: row.text(1), kind: row.text(2) ?? "", asset: row.text(3),
        payload: row.text(4) ?? "", clock: Clock(height: row.integer(5), time: row.integer(6)))
      while let posting = pending, posting.sequence < sequence {
        violations.append(
          Violation("posting of missing entry \(posting.sequence)", sequence: posting.sequence))
        pending = try postings.next().map(PostingRow.init)
      }
      var own: [Posting] = []
      var unreadable = false
      while let posting = pending, posting.sequence == sequence {
        if let value = posting.posting { own.append(value) } else { unreadable = true }
        pending = try postings.next().map(PostingRow.init)
      }
      let computed = HashChain.hash(previous: previous, entry: fields, postings: own)
      if unreadable || computed != stored {
        violations.append(
          Violation(
            "entry \(sequence) does not hash to its stored hash (edited entry, posting or account)",
            sequence: sequence, idempotencyId: row.text(1), expected: computed, actual: stored))
      }
      previous = stored
    }
    while let posting = pending {
      violations.append(
        Violation("posting of missing entry \(posting.sequence)", sequence: posting.sequence))
      pending = try postings.next().map(PostingRow.init)
    }
  }
}

/// A posting row as the hash chain reads it; `posting` is nil when its accounts or amount are
/// unreadable (a tampered row), which the chain then reports.
private struct PostingRow {
  let sequence: Int64
  let posting: Posting?

  init(_ row: Row) {
    sequence = row.integer(0) ?? 0
    func account(_ offset: Int) -> Account? {
      guard let holder = row.text(offset),
        let bucket = Bucket(
          kind: row.text(offset + 1) ?? "", validator: row.text(offset + 2) ?? "",
          detail: row.text(offset + 3) ?? "")
      else { return nil }
      return Account(holder: holder, bucket: bucket)
    }
    if let asset = row.text(1), let from = account(2), let to = account(6), from != to,
      let amount = Amount(baseUnitText: row.text(10) ?? "")
    {
      posting = Posting(asset: asset, from: from, to: to, amount: amount)
    } else {
      posting = nil
    }
  }
}
