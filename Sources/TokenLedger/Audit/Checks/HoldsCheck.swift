/// Holds agree with the journal (opened by hold, closed by settle, void or expiry), an open hold
/// keeps exactly its amount in the payer's held bucket and a closed one nothing, and no open
/// hold is past its expiry by its asset's clock.
struct HoldsCheck: AuditCheck {
  let name = "holds"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var expected: [String: String] = [:]
    try context.forEachEntry(kinds: [.hold, .settle, .void, .expire]) { _, kind, payload, _ in
      guard let hold = payload["hold"]?.stringValue else { return }
      switch kind {
      case .hold:
        let asset = payload["asset"]?.stringValue ?? ""
        let amount = context.amount(payload, asset: asset).map(\.description) ?? "?"
        let expires = payload["expires"]?.stringValue.flatMap(UTCTime.parse).map(String.init) ?? "-"
        expected[hold] =
          "\(asset) \(payload["from"]?.stringValue ?? "") → \(payload["to"]?.stringValue ?? "") \(amount) expires \(expires) open"
      default:
        let status = kind == .settle ? "settled" : kind == .void ? "voided" : "expired"
        expected[hold] = expected[hold].map { $0.replacingSuffix("open", with: status) }
      }
    }
    var stored: [String: String] = [:]
    try context.database.forEachRow(
      """
      SELECT h.hold_id, h.asset, h.payer, h.payee, h.amount, h.expires_time, h.status, s.clock_time,
        (SELECT b.amount FROM accounts a JOIN balances b ON b.account_id = a.id
         WHERE a.holder = h.payer AND a.bucket = 'held' AND a.detail = h.hold_id AND b.asset = h.asset)
      FROM holds h LEFT JOIN assets s ON s.symbol = h.asset ORDER BY h.hold_id
      """
    ) { row in
      let hold = row.text(0) ?? ""
      let status = row.text(6) ?? ""
      stored[hold] =
        "\(row.text(1) ?? "") \(row.text(2) ?? "") → \(row.text(3) ?? "") \(row.text(4) ?? "") expires \(row.integer(5).map(String.init) ?? "-") \(status)"
      let held = row.text(8) ?? "0"
      let wantHeld = status == "open" ? row.text(4) ?? "" : "0"
      if held != wantHeld {
        violations.append(
          Violation(
            "hold \(hold) (\(status)) keeps \(held) base units held", account: row.text(2),
            bucket: "held(\(hold))", asset: row.text(1), expected: wantHeld, actual: held))
      }
      if status == "open", let expires = row.integer(5), let clock = row.integer(7),
        expires <= clock
      {
        violations.append(
          Violation(
            "hold \(hold) expired but is still open", account: row.text(2), bucket: "held(\(hold))",
            asset: row.text(1), expected: "expired", actual: "open"))
      }
    }
    for hold in Set(expected.keys).union(stored.keys).sorted() where expected[hold] != stored[hold]
    {
      violations.append(
        Violation(
          "hold \(hold) differs from the journal", bucket: "held(\(hold))",
          expected: expected[hold] ?? "none", actual: stored[hold] ?? "none"))
    }
  }
}

extension String {
  fileprivate func replacingSuffix(_ suffix: String, with replacement: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
  }
}
