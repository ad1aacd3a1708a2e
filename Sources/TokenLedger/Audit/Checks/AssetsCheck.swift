/// Each asset row agrees with the journal: a defineAsset entry registered it with exactly this
/// definition and decimals; its paused flag is what the last setPaused left. (Its clock is
/// checked by clockMonotonic, in its pass over the journal.)
struct AssetsCheck: AuditCheck {
  let name = "assets"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var defined: [String: (sequence: Int64, definition: String)] = [:]
    var paused: [String: Bool] = [:]
    try context.forEachEntry(kinds: [.defineAsset, .setPaused]) { sequence, kind, payload, _ in
      if kind == .defineAsset {
        var fields = payload
        for key in ["op", "id", "height", "time"] { fields[key] = nil }
        if let symbol = payload["symbol"]?.stringValue {
          defined[symbol] = (sequence, CanonicalJSON.encode(.object(fields)))
        }
      } else if let symbol = payload["asset"]?.stringValue,
        case .bool(let flag)? = payload["paused"]
      {
        paused[symbol] = flag
      }
    }
    var seen: Set<String> = []
    try context.database.forEachRow(
      """
      SELECT s.symbol, s.decimals, s.definition, s.paused FROM assets s ORDER BY s.symbol
      """
    ) { row in
      let symbol = row.text(0) ?? ""
      seen.insert(symbol)
      func report(_ message: String, expected: String?, actual: String?) {
        violations.append(
          Violation(
            "asset \(symbol): \(message)", asset: symbol, expected: expected, actual: actual))
      }
      guard let definition = defined[symbol] else {
        return report("no defineAsset entry registers it", expected: nil, actual: row.text(2))
      }
      if definition.definition != row.text(2) {
        report(
          "definition differs from its defineAsset entry \(definition.sequence)",
          expected: definition.definition, actual: row.text(2))
      }
      let decimals = context.assets[symbol]?.decimals.description
      if decimals == nil || decimals != row.integer(1).map(String.init) {
        report(
          "decimals column differs from the definition", expected: decimals,
          actual: row.integer(1).map(String.init))
      }
      let expectedPaused = paused[symbol] ?? false
      if row.integer(3) != (expectedPaused ? 1 : 0) {
        report(
          "paused flag differs from the last setPaused", expected: String(expectedPaused),
          actual: row.integer(3).map(String.init))
      }
    }
    for (symbol, definition) in defined.sorted(by: { $0.key < $1.key }) where !seen.contains(symbol)
    {
      violations.append(
        Violation(
          "asset \(symbol) was defined by entry \(definition.sequence) but has no row",
          sequence: definition.sequence, asset: symbol))
    }
  }
}
