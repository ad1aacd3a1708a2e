/// Every posting is well formed: a positive canonical amount of a known asset, between two
/// existing, different accounts, numbered 0, 1, … within its entry, under an entry that exists.
/// Since a posting takes from one account what it gives to another, a well-formed entry
/// balances; this is the read-back half of that pair assertion.
struct PostingsCheck: AuditCheck {
  let name = "entriesBalanced"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachRow(
      """
      SELECT p.entry_seq, p.posting_index, p.asset, p.amount, p.from_account, p.to_account,
             (SELECT count(*) FROM accounts WHERE id = p.from_account),
             (SELECT count(*) FROM accounts WHERE id = p.to_account),
             (SELECT count(*) FROM assets WHERE symbol = p.asset),
             (SELECT count(*) FROM entries WHERE seq = p.entry_seq),
             (SELECT count(*) FROM postings q WHERE q.entry_seq = p.entry_seq AND q.posting_index < p.posting_index)
      FROM postings p ORDER BY p.entry_seq, p.posting_index
      """
    ) { row in
      let sequence = row.integer(0)!
      let index = row.integer(1)!
      let asset = row.text(2) ?? ""
      func report(_ message: String) {
        violations.append(
          Violation(
            "posting \(index) of entry \(sequence): \(message)", sequence: sequence, asset: asset))
      }
      if Amount(baseUnitText: row.text(3) ?? "").map({ $0.isZero }) ?? true {
        report("amount '\(row.text(3) ?? "")' is not a positive base-unit amount")
      }
      if row.integer(4) == row.integer(5) { report("moves from an account to itself") }
      if row.integer(6) != 1 || row.integer(7) != 1 {
        report("names an account that does not exist")
      }
      if row.integer(8) != 1 { report("names unknown asset \(asset)") }
      if row.integer(9) != 1 { report("belongs to no entry") }
      if row.integer(10) != index { report("posting numbers are not 0, 1, … in order") }
    }
  }
}
