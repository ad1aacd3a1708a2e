import Testing

@testable import TokenLedger

/// `Ledger` is `Sendable`: many tasks may share one and apply at once; every operation lands
/// exactly once and the state adds up.
@Suite struct SharedLedgerTests {
  @Test func manyTasksShareOneLedger() async throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    try await withThrowingTaskGroup(of: Void.self) { group in
      for task in 0..<8 {
        group.addTask {
          for index in 0..<100 {
            try ledger.apply(jsonLines: [
              #"{"op":"mint","asset":"TOK","to":"t\#(task)","amount":"1","id":"\#(task)-\#(index)"}"#
            ])
            _ = try ledger.balances(account: "t\(task)")
          }
        }
      }
      try await group.waitForAll()
    }
    #expect(try ledger.summary().entries == 801)
    #expect(try ledger.totalSupply(asset: "TOK") == Amount(baseUnits: 800_000_000))
    #expect(try ledger.audit().ok)
  }
}
