/// Each asset's clock never goes backwards from one of its entries to the next, and the clock
/// stored with the asset is where its entries left it (a tick of every asset moves every
/// asset defined before it; an entry that names several assets dates each of the others with
/// its operation's own height and time). One pass over the journal.
struct ClockCheck: AuditCheck {
  let name = "clockMonotonic"

  /// The kinds whose payload is read: those whose operation may name several assets.
  static let severalAssetKinds: [EntryKind] = [
    .swap, .convert, .stakeIntoSubnet, .unstakeFromSubnet, .moveStake,
  ]

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var last: [String: Clock] = [:]
    var lastTimeOfAll: Int64?
    // A price is dated by its own height and time and moves no clock: the read leaves prices
    // out.
    try context.database.forEachEntryClock(payloadKinds: Self.severalAssetKinds) {
      sequence, asset, height, time, payload in
      if let payload {
        try dateOthers(payload, sequence: sequence, context, &last, &violations)
      }
      guard let asset else {
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
    try context.database.forEachStoredAsset { row in
      let symbol = row.symbol
      let expected = last[symbol] ?? Clock()
      guard row.clockHeight != expected.height || row.clockTime != expected.time else { return }
      func describe(_ height: Int64?, _ time: Int64?) -> String {
        "height \(height.map(String.init) ?? "-"), time \(time.map(String.init) ?? "-")"
      }
      violations.append(
        Violation(
          "asset \(symbol): clock differs from its latest entries", asset: symbol,
          expected: describe(expected.height, expected.time),
          actual: describe(row.clockHeight, row.clockTime)))
    }
  }

  /// Moves the clocks of the assets an entry names besides its own, with the operation's own
  /// height and time (as the journal does), reporting any that goes back. A payload that does
  /// not decode is the replay check's to report.
  private func dateOthers(
    _ payload: String, sequence: Int64, _ context: AuditContext, _ last: inout [String: Clock],
    _ violations: inout ViolationList
  ) throws {
    guard let object = try? JSONParser.parse(payload).objectValue,
      let operation = try? Operation.decode(object, context: context.journal),
      let named = try? context.journal.namedAssets(operation)
    else { return }
    for asset in named.dropFirst().map(\.symbol) {
      let previous = last[asset] ?? Clock()
      if let height = operation.height, let known = previous.height, height < known {
        violations.append(
          Violation(
            "entry \(sequence) moves the \(asset) height back", sequence: sequence, asset: asset,
            expected: ">= \(known)", actual: String(height)))
      }
      if let time = operation.time, let known = previous.time, time < known {
        violations.append(
          Violation(
            "entry \(sequence) moves the \(asset) time back", sequence: sequence, asset: asset,
            expected: ">= \(known)", actual: String(time)))
      }
      last[asset] = Clock(
        height: operation.height ?? previous.height, time: operation.time ?? previous.time)
    }
  }
}
