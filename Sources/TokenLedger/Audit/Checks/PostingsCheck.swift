/// Every posting is well formed: a positive canonical amount of a known asset, between two
/// existing, different accounts, numbered 0, 1, … within its entry. Since a posting takes from
/// one account what it gives to another, a well-formed entry balances; this is the read-back
/// half of that pair assertion. (A posting of a missing entry breaks the hash chain, which
/// names it.) One pass over the postings in key order.
struct PostingsCheck: AuditCheck {
  let name = "entriesBalanced"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var accounts: Set<Int64> = []
    try context.database.forEachRow("SELECT id FROM accounts") { row in
      if let id = row.integer(0) { accounts.insert(id) }
    }
    var assets: Set<String> = []
    try context.database.forEachRow("SELECT symbol FROM assets") { row in
      if let symbol = row.text(0) { assets.insert(symbol) }
    }
    var currentEntry: Int64 = -1
    var nextIndex: Int64 = 0
    try context.database.forEachRow(
      "SELECT entry_seq, posting_index, asset, amount, from_account, to_account FROM postings ORDER BY entry_seq, posting_index"
    ) { row in
      let sequence = row.integer(0) ?? -1
      let index = row.integer(1) ?? -1
      let asset = row.text(2) ?? ""
      if sequence != currentEntry {
        currentEntry = sequence
        nextIndex = 0
      }
      func report(_ message: String) {
        violations.append(
          Violation(
            "posting \(index) of entry \(sequence): \(message)", sequence: sequence, asset: asset))
      }
      if Amount(baseUnitText: row.text(3) ?? "").map({ $0.isZero }) ?? true {
        report("amount '\(row.text(3) ?? "")' is not a positive base-unit amount")
      }
      let from = row.integer(4)
      let to = row.integer(5)
      if from == to { report("moves from an account to itself") }
      if !accounts.contains(from ?? -1) || !accounts.contains(to ?? -1) {
        report("names an account that does not exist")
      }
      if !assets.contains(asset) { report("names unknown asset \(asset)") }
      if index != nextIndex { report("posting numbers are not 0, 1, … in order") }
      nextIndex = index + 1
    }
  }
}
