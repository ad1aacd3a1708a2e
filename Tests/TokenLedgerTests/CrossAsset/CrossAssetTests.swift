import Foundation
import PropertyBased
import Testing

@testable import TokenLedger

/// Entries that move several assets: each asset balances on its own, obeys its own pause and
/// clock, and the audit, replay and export keep working per asset (contract, "Cross-asset").
@Suite struct CrossAssetTests {
  static let assets = [
    #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any"}"#,
    #"{"op":"defineAsset","symbol":"AGIX","decimals":8,"addressScheme":"any"}"#,
    #"{"op":"defineAsset","symbol":"OCEAN","decimals":18,"addressScheme":"any"}"#,
    #"{"op":"mint","asset":"FET","to":"bob","amount":"100","time":"2024-07-01T00:00:00Z"}"#,
    #"{"op":"mint","asset":"AGIX","to":"ann","amount":"1000","time":"2024-07-01T00:00:00Z"}"#,
    #"{"op":"mint","asset":"OCEAN","to":"ann","amount":"123.456789012345678"}"#,
  ]

  static let swap =
    #"{"op":"swap","id":"0xb1:3","pool":"@pool:fet-agix","trader":"bob","give":{"asset":"FET","amount":"10"},"get":{"asset":"AGIX","amount":"20"},"fee":{"asset":"FET","amount":"0.03"},"time":"2024-07-02T00:00:00Z"}"#

  func balance(_ ledger: Ledger, _ account: String, _ asset: String) throws -> String {
    let rows = try ledger.balances(account: account, asset: asset)
    return rows.first.map { $0.available.formatted(decimals: $0.decimals) } ?? "0"
  }

  @Test func theAsiRatesConvertExactly() throws {
    let agix = try ExactDecimal(parsing: "0.433350")
    #expect(agix.description == "0.43335")
    let fromAgix = try #require(
      agix.convert(
        Amount(parsing: "1000", decimals: 8), sourceDecimals: 8, targetDecimals: 18))
    #expect(fromAgix.amount.formatted(decimals: 18) == "433.35")
    #expect(fromAgix.remainder == "0")
    let ocean = try ExactDecimal(parsing: "0.433226")
    let fromOcean = try #require(
      ocean.convert(
        Amount(parsing: "123.456789012345678", decimals: 18), sourceDecimals: 18,
        targetDecimals: 18))
    #expect(fromOcean.amount.formatted(decimals: 18) == "53.484690876662468697")
    #expect(fromOcean.remainder == "0.228")
    // A rate above 1, and a result past 2^128 - 1.
    let twice = try ExactDecimal(parsing: "2")
    #expect(
      twice.convert(Amount(baseUnits: 5), sourceDecimals: 0, targetDecimals: 0)?.amount
        == Amount(baseUnits: 10))
    #expect(twice.convert(Amount(baseUnits: .max), sourceDecimals: 0, targetDecimals: 0) == nil)
    for text in ["-1", "1e3", ".5", "01", "0." + String(repeating: "1", count: 37)] {
      #expect(throws: LedgerError.self) { try ExactDecimal(parsing: text) }
    }
  }

  /// floor(a × rate) in one asset's base units: whole × 10^scale ≤ a × numerator < (whole + 1)
  /// × 10^scale, checked in 256 bits, and the remainder's digits are exactly what is cut.
  @Test func aConversionRoundsDownAndStatesTheCut() async {
    await propertyCheck(
      input: Gen.int(in: 1...Int(Int32.max)), Gen.int(in: 1...999_999), Gen.int(in: 0...6)
    ) { amount, digits, scale in
      let text =
        scale == 0 ? String(digits) : Amount(baseUnits: UInt128(digits)).formatted(decimals: scale)
      let rate = try! ExactDecimal(parsing: text)
      let source = Amount(baseUnits: UInt128(amount))
      let result = rate.convert(source, sourceDecimals: 9, targetDecimals: 9)!
      let product = UInt128(amount) * rate.numerator
      let unit = Rate.powerOfTen(rate.scale)!
      #expect(result.amount.baseUnits * unit <= product)
      #expect(product < (result.amount.baseUnits + 1) * unit)
      let cut = product - result.amount.baseUnits * unit
      let expected = cut == 0 ? "0" : Amount(baseUnits: cut).formatted(decimals: rate.scale)
      #expect(result.remainder == expected)
    }
  }

  @Test func aSwapBalancesEachAssetOnItsOwn() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.assets + [Self.swap])
    #expect(try balance(ledger, "bob", "FET") == "89.97")
    #expect(try balance(ledger, "bob", "AGIX") == "20")
    #expect(try balance(ledger, "@pool:fet-agix", "FET") == "10")
    #expect(try balance(ledger, "@pool:fet-agix", "AGIX") == "-20")
    #expect(try balance(ledger, "@fees", "FET") == "0.03")
    #expect(try ledger.totalSupply(asset: "FET").formatted(decimals: 18) == "89.97")
    #expect(try ledger.totalSupply(asset: "AGIX").formatted(decimals: 8) == "1020")
    #expect(try invariantViolations(ledger) == [])
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
    let replay = try ledger.replay()
    #expect(replay.ok, "\(replay.differences) \(replay.failures)")
    // Bob's history: the swap is one entry, a row per asset, never one sum of both.
    let rows = try ledger.history(account: "bob").filter { $0.kind == .swap }
    #expect(rows.map(\.asset) == ["FET", "AGIX"])
    #expect(Set(rows.map(\.sequence)).count == 1)
    // The same swap again is a no-op; with another amount it is duplicateId.
    #expect(try ledger.apply(jsonLines: [Self.swap]) == [.unchanged(sequence: rows[0].sequence)])
    #expect(
      errorCode(ledger, [Self.swap.replacingOccurrences(of: #""20""#, with: #""21""#)])
        == .duplicateId)
  }

  @Test func eachAssetObeysItsOwnPauseAndClock() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.assets + [Self.swap])
    // The swap dated AGIX too: an AGIX operation before its time is clockBackwards.
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"transfer","asset":"AGIX","from":"ann","to":"bob","amount":"1","time":"2024-07-01T12:00:00Z"}"#
        ]
      ) == .clockBackwards)
    // And a swap dated before AGIX's clock is refused though FET's clock allows it.
    try ledger.apply(jsonLines: [
      #"{"op":"tick","asset":"AGIX","time":"2024-08-01T00:00:00Z"}"#
    ])
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"swap","pool":"@pool:fet-agix","trader":"bob","give":{"asset":"FET","amount":"1"},"get":{"asset":"AGIX","amount":"2"},"time":"2024-07-15T00:00:00Z"}"#
        ]
      ) == .clockBackwards)
    try ledger.apply(jsonLines: [#"{"op":"setPaused","asset":"AGIX","paused":true}"#])
    let before = try ledger.summary()
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"swap","pool":"@pool:fet-agix","trader":"bob","give":{"asset":"FET","amount":"1"},"get":{"asset":"AGIX","amount":"2"}}"#
        ]
      ) == .assetPaused)
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"convert","holder":"bob","from":{"asset":"FET","amount":"1"},"to":{"asset":"AGIX"},"rate":"2"}"#
        ]
      ) == .assetPaused)
    #expect(try ledger.summary() == before, "a refused operation leaves the ledger as it was")
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
  }

  @Test func aConversionReportsWhatRoundingCut() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.assets)
    let result = try ledger.convert(
      holder: "ann",
      from: Operation.AssetAmount(
        asset: "OCEAN", amount: try Amount(parsing: "123.456789012345678", decimals: 18)),
      to: "FET", rate: try ExactDecimal(parsing: "0.433226"), id: "0xa2:0")
    #expect(result.amount.formatted(decimals: 18) == "53.484690876662468697")
    #expect(result.remainder == "0.228")
    #expect(try balance(ledger, "ann", "OCEAN") == "0")
    #expect(try balance(ledger, "ann", "FET") == "53.484690876662468697")
    #expect(try balance(ledger, "@converted", "OCEAN") == "123.456789012345678")
    #expect(try ledger.totalSupply(asset: "OCEAN") == .zero)
    // A conversion to less than one base unit, or of more than is held, writes nothing.
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"convert","holder":"ann","from":{"asset":"FET","amount":"0.000000000000000001"},"to":{"asset":"AGIX"},"rate":"0.5"}"#
        ]
      ) == .invalidAmount)
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"convert","holder":"ann","from":{"asset":"AGIX","amount":"1000.00000001"},"to":{"asset":"FET"},"rate":"0.43335"}"#
        ]
      ) == .insufficientBalance)
    let audit = try ledger.audit()
    #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")
  }

  /// The audit follows a cross-asset entry's other assets: a clock set back behind the
  /// library's back is reported for the asset the swap dated.
  @Test func theAuditFollowsTheClockOfEveryAssetAnEntryDates() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cross-clock-\(UUID().uuidString).ledger"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let ledger = try Ledger.open(at: path, create: true)
    try ledger.apply(jsonLines: Self.assets + [Self.swap])
    #expect(try ledger.audit().ok)
    let database = try Database(path: path, mode: .existing)
    try database.execute(
      "UPDATE assets SET clock_time = clock_time - 86400 WHERE symbol = 'AGIX'", [])
    let audit = try Ledger.open(at: path).audit()
    #expect(audit.checks.filter { !$0.ok }.map(\.name) == ["clockMonotonic"])
  }

  @Test func typedCrossAssetOperationsAreValidatedAsLinesAre() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.assets)
    let same = Operation(
      action: .swap(
        pool: "@pool:x", trader: "bob",
        give: .init(asset: "FET", amount: Amount(baseUnits: 1)),
        get: .init(asset: "FET", amount: Amount(baseUnits: 1)), fee: nil))
    #expect(throws: LedgerError.self) { try ledger.apply([same]) }
    let ownAccount = Operation(
      action: .swap(
        pool: "@supply", trader: "bob", give: .init(asset: "FET", amount: Amount(baseUnits: 1)),
        get: .init(asset: "AGIX", amount: Amount(baseUnits: 1)), fee: nil))
    do {
      try ledger.apply([ownAccount])
      Issue.record("a pool named @supply was accepted")
    } catch let error as LedgerError {
      #expect(error.code == .invalidAddress)
    }
    let unknown = Operation(
      action: .convert(
        holder: "bob", from: .init(asset: "FET", amount: Amount(baseUnits: 1)), to: "ASI",
        rate: try ExactDecimal(parsing: "1")))
    do {
      try ledger.apply([unknown])
      Issue.record("a conversion into an undefined asset was accepted")
    } catch let error as LedgerError {
      #expect(error.code == .unknownAsset)
    }
  }

  @Test func aPriceIsAFactWithoutPostings() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.assets)
    let before = try ledger.balances()
    let results = try ledger.apply(jsonLines: [
      #"{"op":"price","asset":"FET","in":"USD","price":"1.2345","time":"2024-07-02T00:00:00Z"}"#,
      #"{"op":"price","asset":"AGIX","in":"FET","price":"0.43335","height":20000000}"#,
    ])
    #expect(results.count == 2)
    #expect(try ledger.balances() == before)
    #expect(
      errorCode(ledger, [#"{"op":"price","asset":"FET","in":"USD","price":"1"}"#])
        == .invalidOperation)
    #expect(
      errorCode(
        ledger, [#"{"op":"price","asset":"FET","in":"usd","price":"1","height":1}"#])
        == .unknownAsset)
    #expect(
      errorCode(
        ledger, [#"{"op":"price","asset":"FET","in":"USD","price":"-1","height":1}"#])
        == .invalidAmount)
    #expect(try ledger.audit().ok)
  }

  /// Probe findings: a fee of 0 is no fee; the zero address never trades or converts; a pool
  /// may not be a case variant of the ledger's own accounts; a null swap fee is not an amount;
  /// a long rate is refused by the rate parser.
  @Test func edgesOfTheCrossAssetOperations() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.assets)
    let withZeroFee =
      #"{"op":"swap","id":"z","pool":"@p","trader":"bob","give":{"asset":"FET","amount":"1"},"get":{"asset":"AGIX","amount":"2"},"fee":{"asset":"FET","amount":"0"}}"#
    guard case .applied(let sequence)? = try ledger.apply(jsonLines: [withZeroFee]).first else {
      Issue.record("the swap was not applied")
      return
    }
    let without = withZeroFee.replacingOccurrences(
      of: #","fee":{"asset":"FET","amount":"0"}"#, with: "")
    #expect(try ledger.apply(jsonLines: [without]) == [.unchanged(sequence: sequence)])
    let evm = try makeLedger()
    try evm.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm"}"#,
      #"{"op":"defineAsset","symbol":"AGIX","decimals":8,"addressScheme":"evm"}"#,
    ])
    let zero = "0x0000000000000000000000000000000000000000"
    #expect(
      errorCode(
        evm,
        [
          #"{"op":"swap","pool":"@p","trader":"\#(zero)","give":{"asset":"FET","amount":"1"},"get":{"asset":"AGIX","amount":"1"}}"#
        ]
      ) == .invalidSender)
    #expect(
      errorCode(
        evm,
        [
          #"{"op":"convert","holder":"\#(zero)","from":{"asset":"AGIX","amount":"1"},"to":{"asset":"FET"},"rate":"0.43335"}"#
        ]
      ) == .invalidSender)
    func swap(_ pool: String, _ fee: String) -> String {
      #"{"op":"swap","pool":"\#(pool)","trader":"bob","give":{"asset":"FET","amount":"1"},"get":{"asset":"AGIX","amount":"1"}\#(fee)}"#
    }
    #expect(errorCode(ledger, [swap("@Supply", "")]) == .invalidAddress)
    #expect(errorCode(ledger, [swap("@SUBNET:1", "")]) == .invalidAddress)
    #expect(errorCode(ledger, [swap("@p", #","fee":null"#)]) == .invalidOperation)
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"convert","holder":"bob","from":{"asset":"FET","amount":"1"},"to":{"asset":"AGIX"},"rate":"\#(String(repeating: "1", count: 300))"}"#
        ]
      ) == .invalidRate)
  }
}
