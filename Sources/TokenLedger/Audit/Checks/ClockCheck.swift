/// Each asset's clock never goes backwards from one of its entries to the next, and the clock
/// stored with the asset is where its entries left it (a tick of every asset moves every
/// asset defined before it). One pass over the journal.
struct ClockCheck: AuditCheck {
  let name = "clockMonotonic"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var last: [String: Clock] = [:]
    var lastTimeOfAll: Int64?
    try context.database.forEachRow("SELECT seq, asset, height, time FROM entries ORDER BY seq") {
      row in
      let sequence = row.integer(0)!
      let height = row.integer(2)
      let time = row.integer(3)
      guard let asset = row.text(1) else {
        // A tick of every asset: its time may not precede any asset's clock.
        if let time, let latest = last.values.compactMap(\.time).max(), time < latest {
          violations.append(
            Violation(
              "entry \(sequence) ticks every asset back in time", sequence: sequence,
              expected: ">= \(latest)", actual: String(time)))
        }
        if let time { for key in last.keys { last[key]?.time = time } }
        lastTimeOfAll = time ?? lastTimeOfAll
        return
      }
      let previous = last[asset] ?? Clock()
      if let height, let known = previous.height, height < known {
        violations.append(
          Violation(
            "entry \(sequence) moves the \(asset) height back", sequence: sequence, asset: asset,
            expected: ">= \(known)", actual: String(height)))
      }
      if let time, let known = previous.time, time < known {
        violations.append(
          Violation(
            "entry \(sequence) moves the \(asset) time back", sequence: sequence, asset: asset,
            expected: ">= \(known)", actual: String(time)))
      }
      last[asset] = Clock(height: height ?? previous.height, time: time ?? previous.time)
    }
    try context.database.forEachRow(
      "SELECT symbol, clock_height, clock_time FROM assets ORDER BY symbol"
    ) { row in
      let symbol = row.text(0) ?? ""
      let expected = last[symbol] ?? Clock()
      guard row.integer(1) != expected.height || row.integer(2) != expected.time else { return }
      func describe(_ height: Int64?, _ time: Int64?) -> String {
        "height \(height.map(String.init) ?? "-"), time \(time.map(String.init) ?? "-")"
      }
      violations.append(
        Violation(
          "asset \(symbol): clock differs from its latest entries", asset: symbol,
          expected: describe(expected.height, expected.time),
          actual: describe(row.integer(1), row.integer(2))))
    }
  }
}
