import Testing

@testable import TokenLedger

/// Balances at an earlier point are summed from the postings, forwards from the genesis or,
/// past the journal's middle, backwards from the balances now: at every entry of a ledger
/// with mints, transfers, burns and stakes, both equal the balances now of a ledger that
/// applied the operations up to that entry (its export until there).
@Suite struct PointBalancesTests {
  static func operations() -> [String] {
    var lines = [
      #"{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any","unbondingSeconds":10}"#,
      #"{"op":"registerValidator","asset":"T","validator":"v1","operator":"op1","commission":"0.05"}"#,
    ]
    for holder in 0..<7 {
      lines.append(#"{"op":"mint","asset":"T","to":"h\#(holder)","amount":"100"}"#)
    }
    for index in 0..<80 {
      let holder = "h\(index % 7)"
      let other = "h\((index * 3 + 1) % 7)"
      switch index % 5 {
      case 0, 1:
        lines.append(#"{"op":"mint","asset":"T","to":"\#(holder)","amount":"\#(index + 5).25"}"#)
      case 2:
        lines.append(
          #"{"op":"transfer","asset":"T","from":"\#(holder)","to":"\#(other)","amount":"1.5"}"#)
      case 3: lines.append(#"{"op":"burn","asset":"T","from":"\#(holder)","amount":"0.75"}"#)
      default:
        lines.append(
          #"{"op":"delegate","asset":"T","delegator":"\#(holder)","validator":"v1","amount":"2"}"#)
      }
    }
    return lines
  }

  @Test func everyEntryAgreesWithALedgerThatStoppedThere() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.operations())
    let head = try ledger.summary().entries
    for sequence in 1...head {
      var lines: [String] = []
      try ledger.exportLines(until: sequence) { lines.append($0) }
      let stopped = try makeLedger()
      try stopped.apply(jsonLines: lines)
      #expect(
        try ledger.balances(at: .sequence(sequence)) == stopped.balances(), "at \(sequence)")
      #expect(
        try ledger.bucketBalances(at: .sequence(sequence)) == stopped.bucketBalances(at: .now),
        "at \(sequence)")
    }
  }
}
