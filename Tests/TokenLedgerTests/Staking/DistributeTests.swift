import PropertyBased
import Testing

@testable import TokenLedger

/// `distribute` pays an amount to many recipients pro rata to decimal weights, split exactly
/// as a reward (floor, largest remainder, ties by address); validators pass their part through
/// their take and to their delegators; the parts always add up to the whole.
@Suite struct DistributeTests {
  func ledger() throws -> Ledger {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"TAO","decimals":0,"addressScheme":"any","rewardPolicy":"compound"}"#
    ])
    return ledger
  }

  func available(_ ledger: Ledger, _ account: String) throws -> String {
    try ledger.balances(account: account, asset: "TAO").first?.formatted(.available) ?? "0"
  }

  @Test func anEmissionIsSplitByWeightsExactly() throws {
    let ledger = try ledger()
    try ledger.apply(jsonLines: [
      #"{"op":"distribute","asset":"TAO","amount":"100","from":"@emission","shares":[{"to":"a","weight":"0.41"},{"to":"b","weight":"0.59"}]}"#,
      // 10 over three equal weights: 3 each, the one unit left to the first address.
      #"{"op":"distribute","asset":"TAO","amount":"10","from":"@emission","shares":[{"to":"z","weight":"1"},{"to":"y","weight":"1.0"},{"to":"x","weight":"1"}]}"#,
    ])
    #expect(try available(ledger, "a") == "41")
    #expect(try available(ledger, "b") == "59")
    #expect(try available(ledger, "x") == "4")
    #expect(try available(ledger, "y") == "3")
    #expect(try available(ledger, "z") == "3")
    #expect(try ledger.totalSupply(asset: "TAO") == Amount(baseUnits: 110))
    #expect(try ledger.audit().ok)
    #expect(try ledger.replay().ok)
  }

  /// A validator among the recipients gets its part as a reward: its take to the operator,
  /// the rest to its delegators (compounded into their stake for TAO).
  @Test func aValidatorsPartGoesThroughItsTake() throws {
    let ledger = try ledger()
    try ledger.apply(jsonLines: [
      #"{"op":"mint","asset":"TAO","to":"d1","amount":"300"}"#,
      #"{"op":"mint","asset":"TAO","to":"d2","amount":"100"}"#,
      #"{"op":"registerValidator","asset":"TAO","validator":"hot","operator":"owner","commission":"0.18"}"#,
      #"{"op":"delegate","asset":"TAO","delegator":"d1","validator":"hot","amount":"300"}"#,
      #"{"op":"delegate","asset":"TAO","delegator":"d2","validator":"hot","amount":"100"}"#,
      #"{"op":"distribute","asset":"TAO","amount":"1000","from":"@emission","shares":[{"to":"hot","weight":"1"},{"to":"miner","weight":"1"}]}"#,
    ])
    #expect(try available(ledger, "miner") == "500")
    let d1 = try #require(try ledger.balances(account: "d1", asset: "TAO").first)
    let d2 = try #require(try ledger.balances(account: "d2", asset: "TAO").first)
    let owner = try #require(try ledger.balances(account: "owner", asset: "TAO").first)
    #expect(owner.formatted(.staked) == "90", "take: floor(500 × 0.18)")
    // 410 after the take: 307.5 and 102.5, floors 307 and 102; the unit left goes to the
    // larger remainder, a tie here, so to the address that sorts first (d1).
    #expect(d1.formatted(.staked) == "608")
    #expect(d2.formatted(.staked) == "202")
    #expect(try ledger.totalSupply(asset: "TAO") == Amount(baseUnits: 1400))
  }

  @Test func aHolderPaysFromItsAvailableBalance() throws {
    let ledger = try ledger()
    try ledger.apply(jsonLines: [#"{"op":"mint","asset":"TAO","to":"payer","amount":"50"}"#])
    let tooMuch =
      #"{"op":"distribute","asset":"TAO","amount":"51","from":"payer","shares":[{"to":"a","weight":"1"}]}"#
    #expect(errorCode(ledger, [tooMuch]) == .insufficientBalance)
    try ledger.apply(jsonLines: [
      #"{"op":"distribute","asset":"TAO","amount":"50","from":"payer","shares":[{"to":"a","weight":"2"},{"to":"b","weight":"3"}]}"#
    ])
    #expect(try available(ledger, "a") == "20")
    #expect(try available(ledger, "b") == "30")
    #expect(
      try ledger.totalSupply(asset: "TAO") == Amount(baseUnits: 50), "a payment, not an emission")
  }

  @Test(arguments: [
    (#"[{"to":"a","weight":"-1"}]"#, ErrorCode.invalidOperation),
    (#"[{"to":"a","weight":1}]"#, .invalidOperation),
    (#"[{"to":"a","weight":"0"}]"#, .invalidOperation),
    (#"[{"to":"a","weight":"1"},{"to":"a","weight":"2"}]"#, .invalidOperation),
    (#"[{"to":"a","weight":"1","memo":"x"}]"#, .invalidOperation),
    (#"[{"to":"@supply","weight":"1"}]"#, .invalidAddress),
    (#"[]"#, .invalidOperation),
  ])
  func badSharesAreRefused(shares: String, code: ErrorCode) throws {
    let ledger = try ledger()
    let line =
      #"{"op":"distribute","asset":"TAO","amount":"5","from":"@emission","shares":\#(shares)}"#
    #expect(errorCode(ledger, [line]) == code, "\(shares)")
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"distribute","asset":"TAO","amount":"5","from":"@nobody","shares":[{"to":"a","weight":"1"}]}"#
        ]
      ) == .invalidAddress)
  }

  /// Only `@emission` pays out new units: `@slashed` (or `@supply`, `@external`) pays out
  /// what it received and no more, refused with `insufficientBalance` past it (it once paid
  /// out any amount, growing the supply from nothing).
  @Test func aSystemAccountButEmissionPaysOutOnlyWhatItHolds() throws {
    let ledger = try ledger()
    func distribute(_ from: String, _ amount: String) -> String {
      #"{"op":"distribute","asset":"TAO","amount":"\#(amount)","from":"\#(from)","shares":[{"to":"a","weight":"1"}]}"#
    }
    #expect(errorCode(ledger, [distribute("@slashed", "1")]) == .insufficientBalance)
    #expect(errorCode(ledger, [distribute("@supply", "1")]) == .insufficientBalance)
    try ledger.apply(jsonLines: [
      #"{"op":"registerValidator","asset":"TAO","validator":"val","operator":"o","commission":"0"}"#,
      #"{"op":"mint","asset":"TAO","to":"d","amount":"100"}"#,
      #"{"op":"delegate","asset":"TAO","delegator":"d","validator":"val","amount":"100"}"#,
      #"{"op":"slash","asset":"TAO","validator":"val","fraction":"0.1"}"#,
    ])
    let supply = try ledger.totalSupply(asset: "TAO")
    #expect(errorCode(ledger, [distribute("@slashed", "11")]) == .insufficientBalance)
    try ledger.apply(jsonLines: [distribute("@slashed", "10")])
    #expect(try available(ledger, "a") == "10")
    #expect(errorCode(ledger, [distribute("@slashed", "1")]) == .insufficientBalance)
    // The slashed 10 are back with holders; nothing was created.
    #expect(try ledger.totalSupply(asset: "TAO") == Amount(baseUnits: supply.baseUnits + 10))
    #expect(try ledger.audit().ok)
  }

  /// For random amounts and weights the parts add up to the amount, each part is within one
  /// unit of its exact share, and the split does not depend on the order of the recipients.
  @Test func partsAlwaysAddUpToTheWhole() async {
    await propertyCheck(
      count: 300, input: Gen.uint64(), Gen.int(in: 1...40), Gen.uint64()
    ) { amount, count, seed in
      var state = seed | 1
      func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
      }
      let weights = (0..<count).map { index in
        (key: "r\(index)", weight: Amount(baseUnits: UInt128(next() % 1_000_000) + 1))
      }
      let total = Amount(baseUnits: UInt128(amount))
      let parts = RewardSplit.shares(of: total, weights: weights)
      #expect(parts.reduce(UInt128(0)) { $0 + $1.baseUnits } == total.baseUnits)
      let sum = weights.reduce(UInt128(0)) { $0 + $1.weight.baseUnits }
      for (part, weight) in zip(parts, weights) {
        let exact = total.baseUnits.multipliedFullWidth(by: weight.weight.baseUnits)
        let floor = sum.dividingFullWidth(exact).quotient
        #expect(part.baseUnits == floor || part.baseUnits == floor + 1)
      }
      let reversed = RewardSplit.shares(of: total, weights: weights.reversed())
      #expect(Array(reversed.reversed()) == parts)
    }
  }

  /// The zero address is never a sender (probe finding: an amount of 0 was accepted).
  @Test func theZeroAddressCannotPay() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"E","decimals":0,"addressScheme":"evm"}"#
    ])
    for amount in ["0", "1"] {
      let line =
        #"{"op":"distribute","asset":"E","amount":"\#(amount)","from":"0x0000000000000000000000000000000000000000","shares":[{"to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","weight":"1"}]}"#
      #expect(errorCode(ledger, [line]) == .invalidSender)
    }
  }

  /// An unbonding position must mature after its asset's clock: the clock releases entries
  /// only when it moves, so an already mature one would stay (the audit then failed).
  @Test func anOpeningUnbondingMaturesAfterTheClock() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"V","decimals":0,"addressScheme":"any","unbondingSeconds":100}"#,
      #"{"op":"registerValidator","asset":"V","validator":"val","operator":"o","commission":"0"}"#,
      #"{"op":"tick","asset":"V","time":"2021-01-01T00:00:00Z"}"#,
    ])
    let stale =
      #"{"op":"openingBalance","asset":"V","to":"d","amount":"100","bucket":"unbonding","validator":"val","matures":"2020-01-01T00:00:00Z"}"#
    #expect(errorCode(ledger, [stale]) == .invalidOperation)
    try ledger.apply(jsonLines: [
      #"{"op":"openingBalance","asset":"V","to":"d","amount":"100","bucket":"unbonding","validator":"val","matures":"2021-01-02T00:00:00Z"}"#,
      #"{"op":"tick","asset":"V","time":"2021-01-03T00:00:00Z"}"#,
    ])
    #expect(try ledger.balances(account: "d").first?.formatted(.available) == "100", "released")
    #expect(try ledger.audit().ok)
  }
}
