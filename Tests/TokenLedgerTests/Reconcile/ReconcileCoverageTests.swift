import Foundation
import Testing

@testable import TokenLedger

/// Reconciliation covers every ledger bucket: a non-zero ledger amount that no source row
/// covers (at its exact key, its bucket without validator, or the holder's total) is missing
/// in the source, and the totals are both sides' whole holdings.
@Suite struct ReconcileCoverageTests {
  func file(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString).csv"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// `d` has 10 available and stakes of 3 on v1, 4 on v2 and 5 on v3.
  func stakedLedger() throws -> Ledger {
    let ledger = try makeLedger()
    var lines = [anyAsset, #"{"op":"mint","asset":"TOK","to":"d","amount":"22"}"#]
    for (validator, amount) in [("v1", 3), ("v2", 4), ("v3", 5)] {
      lines.append(
        #"{"op":"registerValidator","asset":"TOK","validator":"\#(validator)","operator":"o","commission":"0"}"#
      )
      lines.append(
        #"{"op":"delegate","asset":"TOK","delegator":"d","validator":"\#(validator)","amount":"\#(amount)"}"#
      )
    }
    try ledger.apply(jsonLines: lines)
    return ledger
  }

  @Test func aStakeTheSourceLeavesOutIsMissingInSource() throws {
    let ledger = try stakedLedger()
    let source = try file(
      """
      address,asset,bucket,validator,amount
      d,TOK,available,,10
      d,TOK,staked,v1,3
      d,TOK,staked,v2,4
      """)
    let report = try ledger.reconcile(kind: .balancesCSV, path: source, asset: "TOK")
    #expect(!report.ok)
    #expect(report.matched == 3)
    #expect(report.missingInSource.map(\.key) == ["d staked v3"])
    #expect(report.missingInSource.first?.ledger == "5")
    #expect(report.ledgerTotal == "22")
    #expect(report.sourceTotal == "17")
  }

  @Test(arguments: [
    "address,asset,bucket,validator,amount\nd,TOK,available,,10\nd,TOK,staked,,12\n",
    "address,asset,amount\nd,TOK,22\n",
    "address,asset,bucket,validator,amount\nd,TOK,total,,22\nd,TOK,staked,v3,5\n",
  ])
  func aCoarserRowCoversTheBucketsBelowIt(text: String) throws {
    let ledger = try stakedLedger()
    let report = try ledger.reconcile(kind: .balancesCSV, path: try file(text), asset: "TOK")
    #expect(report.ok, "\(report.jsonObject)")
    #expect(report.missingInSource.isEmpty)
    #expect(report.ledgerTotal == "22")
    #expect(report.sourceTotal == "22", "a holder's total row is counted once")
  }

  @Test func aHolderTheSourceNeverNamesIsMissingWithEveryBucket() throws {
    let ledger = try stakedLedger()
    try ledger.apply(jsonLines: [#"{"op":"mint","asset":"TOK","to":"e","amount":"1"}"#])
    let report = try ledger.reconcile(
      kind: .balancesCSV, path: try file("address,asset,amount\nd,TOK,22\n"), asset: "TOK")
    #expect(report.missingInSource.map(\.key) == ["e available"])
    #expect(report.ledgerTotal == "23")
  }

  @Test func aFileOfAnotherKindIsNotACleanEmptyMatch() throws {
    let ledger = try stakedLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    let logs = try file(
      #"{"jsonrpc":"2.0","id":1,"result":[{"address":"0xaea46a60368a7bd060eec7df8cba43b7ef41ad85","topics":[],"data":"0x","blockNumber":"0x1","transactionHash":"0xab","logIndex":"0x0"}]}"#
    )
    let error = #expect(throws: LedgerError.self) {
      try ledger.reconcile(kind: .etlTransfers, path: logs, asset: "FET")
    }
    #expect(error?.code == .invalidOperation)
    #expect(error?.message.contains("no row of") == true, "\(String(describing: error))")
    let wrongColumns = try file("address,asset,amount\nx,TOK,1.2.3\ny,TOK,-\n")
    let other = #expect(throws: LedgerError.self) {
      try ledger.reconcile(kind: .balancesCSV, path: wrongColumns, asset: "TOK")
    }
    #expect(
      other?.message.contains("is a balances-csv record") == true, "\(String(describing: other))")
  }

  /// Keys join their parts with spaces, and names may hold one: every item also carries its
  /// account, bucket and validator apart.
  @Test func itemsCarryTheirKeysParts() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"x staked","amount":"5"}"#,
      #"{"op":"mint","asset":"TOK","to":"x","amount":"5"}"#,
      #"{"op":"registerValidator","asset":"TOK","validator":"available","operator":"o","commission":"0"}"#,
      #"{"op":"delegate","asset":"TOK","delegator":"x","validator":"available","amount":"5"}"#,
    ])
    let report = try ledger.reconcile(
      kind: .balancesCSV, path: try file("address,asset,amount\nz,TOK,0\n"), asset: "TOK")
    let items = report.missingInSource
    #expect(items.map(\.key) == ["x staked available", "x staked available"])
    #expect(items.map(\.account) == ["x", "x staked"])
    #expect(items.map(\.bucket) == ["staked", "available"])
    #expect(items.map(\.validator) == ["available", nil])
  }
}
