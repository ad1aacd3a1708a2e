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
    try context.database.forEachStoredAsset { row in
      let symbol = row.symbol
      seen.insert(symbol)
      func report(_ message: String, expected: String?, actual: String?) {
        violations.append(
          Violation(
            "asset \(symbol): \(message)", asset: symbol, expected: expected, actual: actual))
      }
      guard let definition = defined[symbol] else {
        return report("no defineAsset entry registers it", expected: nil, actual: row.definition)
      }
      if definition.definition != row.definition {
        report(
          "definition differs from its defineAsset entry \(definition.sequence)",
          expected: definition.definition, actual: row.definition)
      }
      let decimals = context.assets[symbol]?.decimals.description
      if decimals == nil || decimals != row.decimals.map(String.init) {
        report(
          "decimals column differs from the definition", expected: decimals,
          actual: row.decimals.map(String.init))
      }
      let expectedPaused = paused[symbol] ?? false
      if row.paused != (expectedPaused ? 1 : 0) {
        report(
          "paused flag differs from the last setPaused", expected: String(expectedPaused),
          actual: row.paused.map(String.init))
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
