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
    try context.database.forEachStoredHold { row in
      let hold = row.hold
      let status = row.status ?? ""
      stored[hold] =
        "\(row.asset ?? "") \(row.payer ?? "") → \(row.payee ?? "") \(row.amount ?? "") expires \(row.expiresTime.map(String.init) ?? "-") \(status)"
      let held = row.heldAmount ?? "0"
      let wantHeld = status == "open" ? row.amount ?? "" : "0"
      if held != wantHeld {
        violations.append(
          Violation(
            "hold \(hold) (\(status)) keeps \(held) base units held", account: row.payer,
            bucket: "held(\(hold))", asset: row.asset, expected: wantHeld, actual: held))
      }
      if status == "open", let expires = row.expiresTime, let clock = row.assetClockTime,
        expires <= clock
      {
        violations.append(
          Violation(
            "hold \(hold) expired but is still open", account: row.payer, bucket: "held(\(hold))",
            asset: row.asset, expected: "expired", actual: "open"))
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
