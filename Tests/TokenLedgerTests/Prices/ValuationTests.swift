import Foundation
import Testing

@testable import TokenLedger

/// Values from `price` facts (contract, "Values"): the last price at or before the point, one
/// hop through another asset at most, exact and rounded half to even to the unit's decimals;
/// an amount without a price is unpriced, never 0.
@Suite struct ValuationTests {
  static let setup = [
    #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","rewardPolicy":"compound"}"#,
    #"{"op":"defineAsset","symbol":"SN1","decimals":9,"addressScheme":"any","rewardPolicy":"compound"}"#,
    #"{"op":"mint","asset":"TAO","to":"ann","amount":"460.5","time":"2025-03-01T00:00:00Z"}"#,
    #"{"op":"mint","asset":"SN1","to":"ann","amount":"1.8","time":"2025-03-01T00:00:00Z"}"#,
    #"{"op":"price","asset":"TAO","in":"USD","price":"300","time":"2025-01-01T00:00:00Z"}"#,
    #"{"op":"price","asset":"TAO","in":"USD","price":"410.25","time":"2025-02-01T00:00:00Z"}"#,
    #"{"op":"price","asset":"SN1","in":"TAO","price":"0.0994","time":"2025-02-01T00:00:00Z"}"#,
  ]

  func values(_ ledger: Ledger, in unit: String, at point: PointInTime = .now) throws
    -> [String: String]
  {
    let rows = try ledger.balances(account: "ann", at: point)
    let values = try ledger.valuations(of: rows, in: unit, at: point)
    return Dictionary(uniqueKeysWithValues: zip(rows.map(\.asset), values.map(\.text)))
  }

  @Test func aHoldingIsValuedAtTheLastPriceDirectlyOrThroughOneAsset() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup)
    // 460.5 × 410.25 = 188,920.125: half to even gives .12; SN1 1.8 × 0.0994 × 410.25 =
    // 73.401930 → 73.40.
    #expect(try values(ledger, in: "USD") == ["TAO": "188920.12", "SN1": "73.4"])
    #expect(try values(ledger, in: "TAO") == ["TAO": "460.5", "SN1": "0.17892"])
    // At 2025-01-15 only the first TAO price exists and SN1 has none: unpriced, not 0.
    let january = PointInTime.time(LedgerTime("2025-01-15")!)
    let book = try ledger.priceBook()
    #expect(book.quote(of: "TAO", in: "USD", at: january)?.price.description == "300")
    #expect(book.route(of: "SN1", in: "USD", at: january) == nil)
    #expect(
      book.value(
        Amount(baseUnits: 1_000_000_000), of: "TAO", decimals: 9, in: "USD", unitDecimals: 2,
        at: january) == Amount(baseUnits: 30_000))
    #expect(try values(ledger, in: "EUR") == ["TAO": "unpriced", "SN1": "unpriced"])
    #expect(throws: LedgerError.self) { try values(ledger, in: "usd") }
  }

  @Test func aPriceMovesNoClockSoAPriceFileMayBeImportedLater() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup)
    // The TAO clock is at 2025-03-01; a price of 2024 is still a fact of its own time.
    try ledger.apply(jsonLines: [
      #"{"op":"price","asset":"TAO","in":"USD","price":"250","time":"2024-06-01T00:00:00Z"}"#
    ])
    #expect(
      try ledger.priceBook().quote(of: "TAO", in: "USD", at: .time(LedgerTime("2024-07-01")!))?
        .price.description == "250")
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
    #expect(try ledger.replay().ok)
  }

  /// Each reward is valued at the last price at or before its own time, rounded, then summed;
  /// a reward before any price is unpriced.
  @Test func rewardsAreValuedOneByOneAtTheirOwnTime() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","rewardPolicy":"compound"}"#,
      #"{"op":"mint","asset":"TAO","to":"nom","amount":"100","time":"2025-01-01T00:00:00Z"}"#,
      #"{"op":"registerValidator","asset":"TAO","validator":"hot","operator":"own","commission":"0"}"#,
      #"{"op":"delegate","asset":"TAO","delegator":"nom","validator":"hot","amount":"100"}"#,
      #"{"op":"reward","asset":"TAO","validator":"hot","amount":"1","time":"2025-01-02T00:00:00Z"}"#,
      #"{"op":"price","asset":"TAO","in":"USD","price":"400.01","time":"2025-01-03T00:00:00Z"}"#,
      #"{"op":"reward","asset":"TAO","validator":"hot","amount":"0.5","time":"2025-01-04T00:00:00Z"}"#,
      #"{"op":"price","asset":"TAO","in":"USD","price":"500.03","time":"2025-01-05T00:00:00Z"}"#,
      #"{"op":"reward","asset":"TAO","validator":"hot","amount":"0.5","time":"2025-01-06T00:00:00Z"}"#,
    ])
    let statement = try ledger.rewardStatement(asset: "TAO", valueIn: "USD")
    #expect(statement.addsUp == true)
    // Ties, half to even: 0.5 × 400.01 = 200.005 → 200.00; 0.5 × 500.03 = 250.015 → 250.02.
    let value = try #require(statement.totalValue)
    #expect(value.value.formatted(decimals: 2) == "450.02")
    #expect(value.unpriced.formatted(decimals: 9) == "1")
    #expect(value.unpricedCount == 1)
    #expect(statement.rows.first { $0.holder == "nom" }?.value?.value == value.value)
    // A row none of whose rewards had a price says so, never "0" (probe finding).
    let early = try ledger.rewardStatement(
      asset: "TAO", to: LedgerTime("2025-01-03")!, valueIn: "USD")
    #expect(early.totalValue?.text == "unpriced")
    #expect(statement.totalValue?.text == "450.02")
  }

  @Test func aPriceFileIsImportedOncePerTime() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Array(Self.setup.prefix(3)))
    let path = NSTemporaryDirectory() + "tokenledger-prices-\(UUID().uuidString).csv"
    try "time,price\n2024-01-01,300.5\n2024-06-01T00:00:00Z,410.25\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    #expect(
      try ledger.importPrices(path: path, asset: "TAO", in: "USD")
        == PriceImportSummary(imported: 2, alreadyPresent: 0))
    #expect(
      try ledger.importPrices(path: path, asset: "TAO", in: "USD")
        == PriceImportSummary(imported: 0, alreadyPresent: 2))
    let before = try ledger.summary()
    try "time,price\n2024-01-01,301\n".write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try ledger.importPrices(path: path, asset: "TAO", in: "USD")
      Issue.record("another price for a time already priced was accepted")
    } catch let error as LedgerError {
      #expect(error.code == .duplicateId)
    }
    try "time,price\n2024-02-01,3\nyesterday,4\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try ledger.importPrices(path: path, asset: "TAO", in: "USD")
      Issue.record("a bad time was accepted")
    } catch let error as LedgerError {
      #expect(error.message.contains("line 3"), "\(error.message)")
    }
    #expect(try ledger.summary() == before, "a refused file writes nothing")
  }

  /// The report values each asset's supply and buckets; the page names the prices it used.
  @Test func theReportShowsHoldingsInTheUnit() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup)
    let report = try ledger.report(valueIn: "USD")
    let tao = try #require(report.assets.first { $0.facts.definition.symbol == "TAO" })
    #expect(tao.holdingsValue?.first?.text == "188920.12")
    #expect(tao.holdingsValue?.count == 1 + tao.buckets.count)
    let audit = try ledger.audit()
    let page = HTMLReport.render(
      report, audit: audit, auditedAt: LedgerTime(unixSeconds: 0), auditMilliseconds: 0,
      auditSource: nil)
    #expect(page.contains("188,920.12"))
    #expect(page.contains("value in USD"))
    #expect(try ledger.report().assets.allSatisfy { $0.holdingsValue == nil })
  }
}
