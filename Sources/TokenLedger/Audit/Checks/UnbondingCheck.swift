/// Open unbonding entries are exactly those the journal opened (an undelegate entry posting to
/// an unbonding bucket) and did not release, each maturing `unbondingSeconds` after its
/// undelegation; none is past maturity by its asset's clock.
struct UnbondingCheck: AuditCheck {
  let name = "unbonding"

  private struct Key: Hashable, Comparable {
    let asset: String
    let delegator: String
    let validator: String
    let entry: String
    static func < (lhs: Key, rhs: Key) -> Bool {
      (lhs.asset, lhs.delegator, lhs.validator, lhs.entry) < (
        rhs.asset, rhs.delegator, rhs.validator, rhs.entry
      )
    }
  }

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var expected: [Key: Int64] = [:]
    try context.database.forEachRow(
      """
      SELECT p.asset, a.holder, a.validator, a.detail, e.time FROM entries e INDEXED BY entries_by_kind
      JOIN postings p ON p.entry_seq = e.seq JOIN accounts a ON a.id = p.to_account
      WHERE a.bucket = 'unbonding' AND e.kind = 'undelegate' AND e.kind <> 'transfer'
        AND a.detail = CAST(e.seq AS TEXT)
      """
    ) { row in
      let asset = row.text(0) ?? ""
      let seconds = context.assets[asset]?.unbondingSeconds ?? 0
      expected[
        Key(
          asset: asset, delegator: row.text(1) ?? "", validator: row.text(2) ?? "",
          entry: row.text(3) ?? "")] =
        (row.integer(4) ?? 0) + seconds
    }
    // A chain state's unbonding entries, opened by `openingBalance` with their own maturity.
    try context.database.forEachRow(
      """
      SELECT p.asset, a.holder, a.validator, a.detail, e.payload FROM entries e INDEXED BY entries_by_kind
      JOIN postings p ON p.entry_seq = e.seq JOIN accounts a ON a.id = p.to_account
      WHERE a.bucket = 'unbonding' AND e.kind = 'openingBalance' AND e.kind <> 'transfer'
        AND a.detail = CAST(e.seq AS TEXT)
      """
    ) { row in
      let payload = (try? JSONParser.parse(row.text(4) ?? "").objectValue) ?? [:]
      let key = Key(
        asset: row.text(0) ?? "", delegator: row.text(1) ?? "", validator: row.text(2) ?? "",
        entry: row.text(3) ?? "")
      expected[key] = payload["matures"]?.stringValue.flatMap(UTCTime.parse) ?? -1
    }
    try context.forEachEntry(kinds: [.release]) { _, _, payload, _ in
      let key = Key(
        asset: payload["asset"]?.stringValue ?? "",
        delegator: payload["delegator"]?.stringValue ?? "",
        validator: payload["validator"]?.stringValue ?? "",
        entry: payload["entry"]?.stringValue ?? "")
      expected[key] = nil
    }
    var stored: [Key: Int64?] = [:]
    try context.database.forEachRow(
      "SELECT u.asset, u.delegator, u.validator, u.entry_id, u.matures_time, s.clock_time FROM unbonding u LEFT JOIN assets s ON s.symbol = u.asset"
    ) { row in
      let key = Key(
        asset: row.text(0) ?? "", delegator: row.text(1) ?? "", validator: row.text(2) ?? "",
        entry: row.text(3) ?? "")
      stored[key] = row.integer(4)
      if let matures = row.integer(4), let clock = row.integer(5), matures <= clock {
        violations.append(
          Violation(
            "unbonding entry \(key.entry) matured but was not released", account: key.delegator,
            bucket: "unbonding(\(key.validator),\(key.entry))", asset: key.asset,
            expected: "released", actual: "open"))
      }
    }
    for key in Set(expected.keys).union(stored.keys).sorted() {
      let want = expected[key]
      let have = stored[key] ?? nil
      guard want != have || (want == nil) != (stored[key] == nil) else { continue }
      violations.append(
        Violation(
          "unbonding entry \(key.entry) of \(key.delegator) on \(key.validator) differs from the journal",
          account: key.delegator, bucket: "unbonding(\(key.validator),\(key.entry))",
          asset: key.asset,
          expected: want.map { "open, matures \($0)" } ?? "none",
          actual: stored[key] == nil ? "none" : "open, matures \(have.map(String.init) ?? "-")"))
    }
  }
}
