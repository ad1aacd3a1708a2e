import Testing
import TokenLedger

/// Keeps the README's Swift example compiling and true (it uses only the public API).
@Suite struct ReadmeExampleTests {
  @Test func theReadmeExampleRuns() throws {
    let ledger = try Ledger.open(at: ":memory:", create: true)
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm"}"#,
      #"{"op":"mint","asset":"FET","to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"100"}"#,
      #"{"op":"transfer","asset":"FET","from":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","to":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","amount":"12.5","id":"0xabc:0"}"#,
    ])
    let rows = try ledger.balances(asset: "FET")
    #expect(
      rows.map { "\($0.account) \($0.formatted(.available))" } == [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed 87.5",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359 12.5",
      ])
    let summary = try ledger.summary()
    #expect(summary.entries == 3 && summary.headHash.count == 64 && summary.stateDigest.count == 64)
  }
}
