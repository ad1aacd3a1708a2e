import Foundation
import Testing

@testable import TokenLedger

/// Proves the streaming readers on the awkward shapes real files have (BOM, CRLF, quoted
/// fields, thousands separators, hex quantities, reorged and foreign logs), and that malformed
/// input is a precise error or a counted skip, never a crash.
@Suite struct ReaderTests {
  func file(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "tokenledger-reader-\(UUID().uuidString)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func csvHandlesQuotesCRLFAndABOM() throws {
    let reader = try CSVReader(
      path: try file("\u{FEFF}a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\r\n\r\nlast,row,"))
    #expect(try reader.next() == ["a", "b,c", "say \"hi\""])
    #expect(try reader.next() == ["1", "two\nlines", "3"])
    #expect(reader.line == 2)
    #expect(try reader.next() == ["last", "row", ""])
    #expect(reader.line == 5)
    #expect(try reader.next() == nil)
  }

  @Test(arguments: ["\"open", "a\"b", "\"x\"y"])
  func csvRejectsBrokenQuotes(text: String) throws {
    let reader = try CSVReader(path: try file(text))
    #expect(throws: CSVReader.Failure.self) { try reader.next() }
  }

  let fet = AssetDefinition(
    symbol: "FET", decimals: 18, addressScheme: .evm,
    contract: "0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85")

  @Test func etherscanQuantitiesAreExactWithSeparators() throws {
    let reader = TransferReader(kind: .etherscanCSV, path: "", asset: fet)
    #expect(try reader.tokenQuantity("1,234,567.5", "line 2") == fet.amount("1234567.5"))
    #expect(try reader.tokenQuantity("0.000000000000000001", "line 2").baseUnits == 1)
    for bad in ["1,23", "12,345,67", ",5", "1.2.3"] {
      #expect(throws: SourceError.self, "\(bad)") { try reader.tokenQuantity(bad, "line 2") }
    }
    let error = #expect(throws: SourceError.self) {
      try reader.tokenQuantity("1.0000000000000000001", "line 9")
    }
    #expect(error?.code == .precisionExceeded && error?.location == "line 9")
  }

  @Test func etherscanBothHeaderGenerationsImport() throws {
    let new = """
      "Transaction Hash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","Quantity","Method"
      "0x\(String(repeating: "1", count: 64))","100","1600000000","2020-09-13 12:26:40","0x0000000000000000000000000000000000000000","0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","1,000","Mint"
      "0x\(String(repeating: "2", count: 64))","101","1600000100","2020-09-13 12:28:20","0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","250.5","Transfer"
      """
    let old = """
      "Txhash","Blockno","UnixTimestamp","DateTime","From","To","Quantity"
      "0x\(String(repeating: "3", count: 64))","102","1600000200","2020-09-13 12:30:00","0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","0x0000000000000000000000000000000000000000","0.5"
      """
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    #expect(
      try ledger.importTransfers(kind: .etherscanCSV, path: try file(new), asset: "FET").imported
        == 2)
    #expect(
      try ledger.importTransfers(kind: .etherscanCSV, path: try file(old), asset: "FET").imported
        == 1)
    #expect(try ledger.totalSupply(asset: "FET") == fet.amount("999.5"))
    #expect(
      try ledger.balances(account: "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359").first?.formatted(
        .available) == "250")
  }

  @Test func logsAreFilteredAsTheContractSays() throws {
    let contract = "0xaea46a60368a7bd060eec7df8cba43b7ef41ad85"
    let topic = TransferReader.transferTopic
    let from = "0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    let to = "0x000000000000000000000000fb6916095ca1df60bb79ce92ce3ea74c37c5d359"
    func log(
      _ index: Int, address: String = contract, topics: [String]? = nil,
      data: String = "0x" + String(repeating: "0", count: 62) + "64", removed: Bool = false
    ) -> String {
      let list = (topics ?? [topic, from, to]).map { "\"\($0)\"" }.joined(separator: ",")
      return
        #"{"address":"\#(address)","topics":[\#(list)],"data":"\#(data)","blockNumber":"0x10","transactionHash":"0x\#(String(repeating: "a", count: 63))\#(index)","logIndex":"0x\#(index)","removed":\#(removed)}"#
    }
    let logs = [
      log(1), log(2, address: "0x" + String(repeating: "b", count: 40)),
      log(3, topics: [topic, from, to, from], data: "0x"),
      log(
        4, topics: ["0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925", from, to]),
      log(5, removed: true),
    ]
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    let summary = try ledger.importTransfers(
      kind: .ethLogs,
      path: try file(#"{"jsonrpc":"2.0","id":1,"result":["# + logs.joined(separator: ",") + "]}"),
      asset: "FET")
    #expect(summary.imported == 1 && summary.openingBalances == 1)
    #expect(
      summary.skipped == [
        .otherContract: 1, .nonFungibleTransfer: 1, .notTransferEvent: 1, .removed: 1,
      ])
    // A bare array gives the same; the strict mode refuses the missing opening balance.
    let strict = try makeLedger()
    try strict.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    let error = #expect(throws: LedgerError.self) {
      try strict.importTransfers(
        kind: .ethLogs, path: try file("[" + logs.joined(separator: ",") + "]"), asset: "FET",
        strict: true)
    }
    #expect(error?.code == .insufficientBalance)
    #expect(try strict.summary().entries == 1, "a failed import leaves the ledger as it was")
  }

  @Test(arguments: [
    "", "[", "{\"result\": [", "[{\"topics\": 5}]", "[1, 2]", "not json", "[{\"address\":\"0x\"}]",
    "[{\"topics\":[\"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef\",\"0xzz\",\"0x1\"],\"address\":\"0xaea46a60368a7bd060eec7df8cba43b7ef41ad85\",\"data\":\"0x01\"}]",
  ])
  func malformedLogsFailCleanlyAndChangeNothing(text: String) throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    let before = try ledger.summary()
    #expect(throws: LedgerError.self) {
      try ledger.importTransfers(kind: .ethLogs, path: try file(text), asset: "FET")
    }
    #expect(try ledger.summary() == before)
  }
}
