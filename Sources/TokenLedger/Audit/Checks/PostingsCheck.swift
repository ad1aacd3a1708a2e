/// Every posting is well formed: a positive canonical amount of a known asset, between two
/// existing, different accounts, numbered 0, 1, … within its entry. Since a posting takes from
/// one account what it gives to another, a well-formed entry balances; this is the read-back
/// half of that pair assertion. (A posting of a missing entry breaks the hash chain, which
/// names it.) One pass over the postings in key order.
struct PostingsCheck: AuditCheck {
  let name = "entriesBalanced"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var accounts: Set<Int64> = []
    try context.database.forEachStoredAccount { accounts.insert($0.id) }
    var assets: Set<String> = []
    try context.database.forEachStoredAsset { assets.insert($0.symbol) }
    var currentEntry: Int64 = -1
    var nextIndex: Int64 = 0
    try context.database.forEachStoredPosting { row in
      let sequence = row.sequence ?? -1
      let index = row.index ?? -1
      let asset = row.asset ?? ""
      if sequence != currentEntry {
        currentEntry = sequence
        nextIndex = 0
      }
      func report(_ message: String) {
        violations.append(
          Violation(
            "posting \(index) of entry \(sequence): \(message)", sequence: sequence, asset: asset))
      }
      if Amount(baseUnitText: row.amount ?? "").map({ $0.isZero }) ?? true {
        report("amount '\(row.amount ?? "")' is not a positive base-unit amount")
      }
      let from = row.from
      let to = row.to
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
