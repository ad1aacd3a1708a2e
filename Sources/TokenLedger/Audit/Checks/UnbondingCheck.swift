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
    try context.database.forEachUnbondingOpened(by: .undelegate) { asset, account, time, _ in
      let seconds = context.assets[asset]?.unbondingSeconds ?? 0
      expected[
        Key(
          asset: asset, delegator: account.holder, validator: account.validator,
          entry: account.detail)] =
        (time ?? 0) + seconds
    }
    // A chain state's unbonding entries, opened by `openingBalance` with their own maturity.
    try context.database.forEachUnbondingOpened(by: .openingBalance) { asset, account, _, text in
      let payload = (try? JSONParser.parse(text ?? "").objectValue) ?? [:]
      let key = Key(
        asset: asset, delegator: account.holder, validator: account.validator,
        entry: account.detail)
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
    try context.database.forEachStoredUnbonding { row in
      let key = Key(
        asset: row.asset, delegator: row.delegator, validator: row.validator, entry: row.entry)
      stored[key] = row.maturesTime
      if let matures = row.maturesTime, let clock = row.assetClockTime, matures <= clock {
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
