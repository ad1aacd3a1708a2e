import Foundation
import Testing

@testable import TokenLedger

/// The same on-chain transfer imported from two kinds of source is one transfer: idempotency
/// compares what the chain fixes (hash, log index, token, from, to, value, block), not what
/// one source adds (ethereum-etl's logs carry a block time, its token_transfers do not).
@Suite struct ImportIdempotencyTests {
  static let real = Repository.root + "/fixtures/real/"
  let weth =
    #"{"op":"defineAsset","symbol":"WETH","decimals":18,"addressScheme":"evm","contract":"0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"}"#

  @Test func aTransferFromTwoKindsOfSourceIsImportedOnce() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [weth])
    let first = try ledger.importTransfers(
      kind: .etlTransfers, path: Self.real + "etl-token-transfers-17173049-17173050.csv",
      asset: "WETH")
    #expect(first.imported > 0)
    let before = try ledger.summary()
    let second = try ledger.importTransfers(
      kind: .ethLogs, path: Self.real + "etl-logs-17173049-17173050.jsonl", asset: "WETH")
    #expect(second.imported == 0)
    #expect(second.alreadyPresent == first.imported)
    #expect(try ledger.summary() == before, "nothing was written")
  }

  @Test func aTransferThatDiffersOnChainIsStillADuplicateId() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [weth])
    let row =
      "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2,0x6b75d8af000000e20b7a7ddf000ba900b4009a80,0x7054b0f980a7eb5b3a6b3446f3c947d80162775c,VALUE,0xeb107a40ba73a50c79a9f2026e902d758d1c5e5e211f7a7db1b294f88f118dd0,0,17173049"
    let header =
      "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n"
    func file(_ value: String) throws -> String {
      let path = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString).csv"
      try (header + row.replacingOccurrences(of: "VALUE", with: value) + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    _ = try ledger.importTransfers(kind: .etlTransfers, path: try file("7"), asset: "WETH")
    let error = #expect(throws: LedgerError.self) {
      try ledger.importTransfers(kind: .etlTransfers, path: try file("8"), asset: "WETH")
    }
    #expect(error?.code == .duplicateId)
  }
}
