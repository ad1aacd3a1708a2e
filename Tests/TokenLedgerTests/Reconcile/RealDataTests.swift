import Foundation
import Testing

@testable import TokenLedger

/// Proves import and reconcile on real chain data: (a) ethereum-etl's mainnet logs, (b)
/// Bittensor's Nakamoto snapshot, (c) Fetch.ai's staking export. The expected figures were
/// computed independently by `tools/derive-real-fixtures.py` (Python, from the raw files).
@Suite struct RealDataTests {
  static let real = Repository.root + "/fixtures/real/"

  func temporaryFile(_ name: String, _ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)-\(name)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// (a) Importing every Transfer log of two mainnet blocks, one asset per token contract,
  /// gives exactly the 282 fungible transfers ethereum-etl extracts; the 9 ERC-721 transfers
  /// are skipped and counted; the result reconciles with ethereum-etl's token_transfers.
  @Test func ethereumEtlLogsImportExactlyTheFungibleTransfers() throws {
    let logs = Self.real + "etl-logs-17173049-17173050.jsonl"
    let expected = Self.real + "etl-token-transfers-17173049-17173050.csv"
    var contracts: Set<String> = []
    let stream = try JSONStream(path: logs)
    while let log = try stream.next() {
      if log["topics"]?.arrayValue?.first?.stringValue == TransferReader.transferTopic,
        let address = log["address"]?.stringValue
      {
        contracts.insert(address)
      }
    }
    let ledger = try makeLedger()
    var imported = 0
    var nonFungible = 0
    for (index, contract) in contracts.sorted().enumerated() {
      try ledger.apply(jsonLines: [
        #"{"op":"defineAsset","symbol":"T\#(index)","decimals":0,"addressScheme":"evm","contract":"\#(contract)"}"#
      ])
      let summary = try ledger.importTransfers(kind: .ethLogs, path: logs, asset: "T\(index)")
      imported += summary.imported
      nonFungible += summary.skipped[.nonFungibleTransfer] ?? 0
      let again = try ledger.importTransfers(kind: .ethLogs, path: logs, asset: "T\(index)")
      #expect(
        again.imported == 0 && again.alreadyPresent == summary.imported,
        "a second import changes nothing")
      let report = try ledger.reconcile(kind: .etlTransfers, path: expected, asset: "T\(index)")
      #expect(
        report.ok,
        "T\(index) \(contract): \(report.mismatched) \(report.missingInLedger) \(report.missingInSource)"
      )
      #expect(report.matched == summary.imported)
    }
    #expect(imported == 282)
    #expect(nonFungible == 9)
    #expect(try ledger.audit().ok)
  }

  /// (a) continued: changing one amount, removing one row and adding one row of a source is
  /// reported as exactly those three differences.
  @Test func threeEditsOfASourceAreThreeDifferences() throws {
    let expected = Self.real + "etl-token-transfers-17173049-17173050.csv"
    let weth = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"WETH","decimals":18,"addressScheme":"evm","contract":"\#(weth)"}"#
    ])
    _ = try ledger.importTransfers(kind: .etlTransfers, path: expected, asset: "WETH")
    var lines = String(decoding: try Repository.read(expected), as: UTF8.self).split(
      separator: "\n"
    ).map(String.init)
    let wethRows = lines.indices.filter { lines[$0].hasPrefix(weth) }
    #expect(wethRows.count >= 3)
    var changed = lines[wethRows[0]].split(separator: ",", omittingEmptySubsequences: false).map(
      String.init)
    changed[3] = String(UInt128(changed[3])! + 1)
    lines[wethRows[0]] = changed.joined(separator: ",")
    let removed = lines.remove(at: wethRows[1])
    var added = removed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    added[4] = "0x" + String(repeating: "ab", count: 32)
    lines.append(added.joined(separator: ","))
    let report = try ledger.reconcile(
      kind: .etlTransfers, path: try temporaryFile("edited.csv", lines.joined(separator: "\n")),
      asset: "WETH")
    #expect(
      report.mismatchedCount == 1 && report.missingInSourceCount == 1
        && report.missingInLedgerCount == 1)
    #expect(report.mismatched.first?.difference == "0.000000000000000001")
    #expect(
      report.missingInLedger.first?.key.hasPrefix("0x" + String(repeating: "ab", count: 32)) == true
    )
  }

  /// Builds a TAO ledger from a Nakamoto snapshot: free balances minted, each stake minted to
  /// its coldkey and delegated to its hotkey (registered with commission 0).
  func subtensorLedger(_ path: String) throws -> Ledger {
    let snapshot = try JSONParser.parse(try Repository.read(path))
    let ledger = try makeLedger()
    var lines = [
      #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound"}"#
    ]
    func tao(_ rao: String) -> String { Amount(baseUnits: UInt128(rao)!).formatted(decimals: 9) }
    var hotkeys: Set<String> = []
    for (coldkey, stakes) in snapshot["stakes"]?.objectValue ?? [:] {
      for (hotkey, entry) in stakes.objectValue ?? [:] {
        guard case .number(let rao)? = entry.arrayValue?.first else { continue }
        if hotkeys.insert(hotkey).inserted {
          lines.append(
            #"{"op":"registerValidator","asset":"TAO","validator":"\#(hotkey)","operator":"\#(hotkey)","commission":"0"}"#
          )
        }
        lines.append(#"{"op":"mint","asset":"TAO","to":"\#(coldkey)","amount":"\#(tao(rao))"}"#)
        lines.append(
          #"{"op":"delegate","asset":"TAO","delegator":"\#(coldkey)","validator":"\#(hotkey)","amount":"\#(tao(rao))"}"#
        )
      }
    }
    for (account, value) in snapshot["balances"]?.objectValue ?? [:] {
      guard case .number(let rao) = value else { continue }
      lines.append(#"{"op":"mint","asset":"TAO","to":"\#(account)","amount":"\#(tao(rao))"}"#)
    }
    try ledger.apply(jsonLines: lines)
    return ledger
  }

  /// (b) The Bittensor snapshot reconciles with a balances CSV of the same snapshot with zero
  /// differences, and the totals are the published ones.
  @Test func subtensorSnapshotReconcilesWithItsBalances() throws {
    let ledger = try subtensorLedger(Self.real + "subtensor-sample.json")
    let report = try ledger.reconcile(
      kind: .balancesCSV, path: Self.real + "subtensor-sample-balances.csv", asset: "TAO")
    #expect(
      report.ok,
      "\(report.mismatched.prefix(3)) \(report.missingInSource.prefix(3)) \(report.rejected.prefix(3))"
    )
    #expect(
      try ledger.totalSupply(asset: "TAO")
        == Amount(baseUnits: 49_959_364_420_283 + 53_865_026_920_222))
    #expect(report.coveredAccounts == report.ledgerAccounts)
  }

  @Test func theFullSubtensorSnapshotHasThePublishedTotals() throws {
    let path = Repository.sharedData + "/subtensor-nakamoto-snapshot.json"
    guard Repository.exists(path) else {
      print("skipped: \(path) is absent; the committed sample was reconciled instead")
      return
    }
    let ledger = try subtensorLedger(path)
    let staked = try ledger.balances(asset: "TAO").reduce(SignedAmount.zero) {
      $0.adding($1.staked)!
    }
    let free = try ledger.balances(asset: "TAO").reduce(SignedAmount.zero) {
      $0.adding($1.available)!
    }
    #expect(staked.description == "2361517466099541")
    #expect(free.description == "1819812196185399")
    // The balances CSV of the same snapshot, written here line by line from the raw numbers.
    let snapshot = try JSONParser.parse(try Repository.read(path))
    var csv = "address,asset,bucket,validator,amount\n"
    func tao(_ rao: String) -> String {
      let padded = String(repeating: "0", count: max(0, 10 - rao.count)) + rao
      let whole = padded.dropLast(9)
      var fraction = padded.suffix(9)
      while fraction.last == "0" { fraction = fraction.dropLast() }
      return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }
    for (coldkey, stakes) in snapshot["stakes"]?.objectValue ?? [:] {
      for (hotkey, entry) in stakes.objectValue ?? [:] {
        if case .number(let rao)? = entry.arrayValue?.first {
          csv += "\(coldkey),TAO,staked,\(hotkey),\(tao(rao))\n"
        }
      }
    }
    for (account, value) in snapshot["balances"]?.objectValue ?? [:] {
      if case .number(let rao) = value { csv += "\(account),TAO,available,,\(tao(rao))\n" }
    }
    let report = try ledger.reconcile(
      kind: .balancesCSV, path: try temporaryFile("tao.csv", csv), asset: "TAO")
    #expect(report.ok)
    #expect(report.matched == 4096 + 18618)
  }

  /// (c) Fetch.ai's staking export: a FET ledger of principal + interest per address against
  /// TOTAL. Rows whose afet values have a fractional part are refused with a precise reason
  /// (never rounded); the rows where TOTAL ≠ PRINCIPAL + INTEREST are the mismatches.
  @Test func fetchStakingExportReconcilesAgainstTotal() throws {
    let full = Repository.sharedData + "/fetchhub-staked-export.csv"
    let useFull = Repository.exists(full)
    let path = useFull ? full : Self.real + "fetchhub-staked-sample.csv"
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm"}"#
    ])
    let fet = try #require(try ledger.asset("FET"))
    let reader = try CSVReader(path: path)
    var lines: [String] = []
    var refused: [String] = []
    var source = "address,asset,bucket,amount\n"
    while let row = try reader.next() {
      // afet text to FET text by moving the decimal point 18 places: kept exact, so that a
      // fractional afet value arrives at reconcile as 19+ decimals and is refused there.
      func fetText(_ afet: String) -> String {
        let parts = afet.split(separator: ".", omittingEmptySubsequences: false)
        let digits = String(repeating: "0", count: max(0, 19 - parts[0].count)) + parts[0]
        let fraction = String(digits.suffix(18)) + (parts.count > 1 ? String(parts[1]) : "")
        let trimmed = fraction.reversed().drop { $0 == "0" }.reversed()
        return String(digits.dropLast(18)) + (trimmed.isEmpty ? "" : "." + String(trimmed))
      }
      source += "\(row[0]),FET,total,\(fetText(row[3]))\n"
      do {
        let principal = try Amount(parsing: row[4], decimals: 0)
        let interest = try Amount(parsing: row[5], decimals: 0)
        let amount = principal.adding(interest)!
        lines.append(
          #"{"op":"mint","asset":"FET","to":"\#(row[0])","amount":"\#(fet.format(amount))"}"#)
      } catch {
        #expect(error.code == .precisionExceeded)
        refused.append("line \(reader.line): \(error.message)")
      }
    }
    try ledger.apply(jsonLines: lines)
    let report = try ledger.reconcile(
      kind: .balancesCSV, path: try temporaryFile("fet.csv", source), asset: "FET")
    let expected =
      useFull
      ? (built: 2077, refused: 1325, matched: 1765, mismatched: 312, missing: 38, rejected: 1287)
      : (built: 41, refused: 79, matched: 32, mismatched: 9, missing: 0, rejected: 79)
    #expect(lines.count == expected.built && refused.count == expected.refused)
    #expect(refused.first?.contains("fractional digits") == true)
    #expect(report.matched == expected.matched)
    #expect(report.mismatchedCount == expected.mismatched)
    #expect(report.missingInLedgerCount == expected.missing)
    #expect(report.rejectedCount == expected.rejected)
    #expect(report.rejected.first?.detail?.hasPrefix("precisionExceeded") == true)
    #expect(report.missingInSourceCount == 0)
  }
}
