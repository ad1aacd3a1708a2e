import Foundation
import Testing

@testable import TokenLedger

/// A subtensor snapshot opens TAO's books directly (no conversion by hand) and reconciles
/// with itself key by key; numbers above 2^53 are read exactly. The committed sample (30
/// coldkeys, 456 stakes, 300 balances) runs everywhere; the whole Nakamoto snapshot where
/// `../shared/data` is present.
@Suite struct SubtensorSnapshotTests {
  static let sample = Repository.root + "/fixtures/real/subtensor-sample.json"
  static let tao =
    #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound"}"#

  func imported(_ path: String) throws -> (Ledger, StateImportSummary) {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [Self.tao])
    return (ledger, try ledger.importSnapshot(kind: .subtensorSnapshot, path: path, asset: "TAO"))
  }

  @Test func theSampleImportsReconcilesAndImportsOnce() throws {
    let (ledger, summary) = try imported(Self.sample)
    #expect(summary.stakes == 456 && summary.balances == 300)
    let rows = try ledger.balances(asset: "TAO")
    let staked = rows.reduce(SignedAmount.zero) { $0.adding($1.staked)! }
    let free = rows.reduce(SignedAmount.zero) { $0.adding($1.available)! }
    #expect(staked.description == "49959364420283")
    #expect(free.description == "53865026920222")
    let again = try ledger.importSnapshot(kind: .subtensorSnapshot, path: Self.sample, asset: "TAO")
    #expect(again.written == 0 && again.alreadyPresent == summary.written)
    let report = try ledger.reconcile(kind: .subtensorSnapshot, path: Self.sample, asset: "TAO")
    #expect(report.ok, "\(report.jsonObject)")
    #expect(report.matched == 756)
    #expect(try ledger.audit().ok)
  }

  /// One stake changed, one balance removed, one stake added: exactly those three differences.
  @Test func threeEditsAreThreeDifferences() throws {
    let (ledger, _) = try imported(Self.sample)
    let object =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: Self.sample))) as! [String: Any]
    var stakes = object["stakes"] as! [String: [String: [Any]]]
    var balances = object["balances"] as! [String: Any]
    let coldkey = stakes.keys.sorted()[0]
    let hotkey = stakes[coldkey]!.keys.sorted()[0]
    let rao = (stakes[coldkey]![hotkey]![0] as! NSNumber).int64Value
    stakes[coldkey]![hotkey]![0] = NSNumber(value: rao + 1)
    let removed = balances.keys.sorted()[0]
    balances.removeValue(forKey: removed)
    let newHotkey = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    stakes[coldkey]![newHotkey] = [NSNumber(value: 7), NSNumber(value: 1)]
    let path = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString).json"
    try JSONSerialization.data(withJSONObject: ["stakes": stakes, "balances": balances]).write(
      to: URL(fileURLWithPath: path))
    let report = try ledger.reconcile(kind: .subtensorSnapshot, path: path, asset: "TAO")
    // The changed stake, and the added one (a known holder's stake the ledger has as zero).
    #expect(
      report.mismatched.map(\.key).sorted()
        == ["\(coldkey) staked \(hotkey)", "\(coldkey) staked \(newHotkey)"].sorted())
    #expect(report.mismatched.first { $0.validator == hotkey }?.difference == "0.000000001")
    #expect(report.mismatched.first { $0.validator == newHotkey }?.difference == "0.000000007")
    #expect(report.missingInSource.map(\.key) == ["\(removed) available"])
    #expect(report.missingInLedgerCount == 0)
    #expect(report.mismatchedCount + report.missingInSourceCount == 3)
  }

  @Test func anAssetWithEntriesIsReconciledNotImported() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      Self.tao,
      #"{"op":"mint","asset":"TAO","to":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY","amount":"1"}"#,
    ])
    let error = #expect(throws: LedgerError.self) {
      try ledger.importSnapshot(kind: .subtensorSnapshot, path: Self.sample, asset: "TAO")
    }
    #expect(error?.code == .invalidOperation)
  }

  @Test func theWholeNakamotoSnapshotReconcilesWithThePublishedTotals() throws {
    let path = Repository.sharedData + "/subtensor-nakamoto-snapshot.json"
    guard Repository.exists(path) else {
      print("skipped: \(path) is absent; the committed sample was imported instead")
      return
    }
    let (ledger, _) = try imported(path)
    let rows = try ledger.balances(asset: "TAO")
    #expect(
      rows.reduce(SignedAmount.zero) { $0.adding($1.staked)! }.description == "2361517466099541")
    #expect(
      rows.reduce(SignedAmount.zero) { $0.adding($1.available)! }.description == "1819812196185399")
    let report = try ledger.reconcile(kind: .subtensorSnapshot, path: path, asset: "TAO")
    #expect(report.ok)
    #expect(report.matched == 22_714)
  }
}
