import Testing

@testable import TokenLedger

/// Proves the staking rules the fixtures do not: commission-change limits, the unbonding-entry
/// limit, the time an unbonding needs, rewards with no stake, and that a wrong expected reward
/// is reported.
@Suite struct StakingTests {
  let cosmos = [
    #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any","unbondingSeconds":60,"maxUnbondingEntries":2,"maxCommission":"0.5","maxCommissionChange":"0.01","commissionChangeSeconds":86400}"#,
    #"{"op":"mint","asset":"FET","to":"d","amount":"100","time":"2024-01-01T00:00:00Z"}"#,
    #"{"op":"registerValidator","asset":"FET","validator":"v","operator":"o","commission":"0.1"}"#,
  ]

  @Test func aRewardOnAValidatorWithoutStakeGoesWhollyToItsOperator() throws {
    let ledger = try makeLedger()
    try ledger.apply(
      jsonLines: cosmos + [#"{"op":"reward","asset":"FET","validator":"v","amount":"7"}"#])
    #expect(try ledger.balances(account: "o").first?.formatted(.rewards) == "7")
  }

  @Test func unbondingEntriesAreLimitedAndReleasedByTheClock() throws {
    let ledger = try makeLedger()
    try ledger.apply(
      jsonLines: cosmos + [
        #"{"op":"delegate","asset":"FET","delegator":"d","validator":"v","amount":"10"}"#,
        #"{"op":"undelegate","asset":"FET","delegator":"d","validator":"v","amount":"1"}"#,
        #"{"op":"undelegate","asset":"FET","delegator":"d","validator":"v","amount":"1","time":"2024-01-01T00:00:30Z"}"#,
      ])
    #expect(
      errorCode(
        ledger, [#"{"op":"undelegate","asset":"FET","delegator":"d","validator":"v","amount":"1"}"#]
      ) == .insufficientStake)
    try ledger.apply(jsonLines: [#"{"op":"tick","asset":"FET","time":"2024-01-01T00:01:00Z"}"#])
    let row = try #require(try ledger.balances(account: "d").first)
    #expect(row.formatted(.unbonding) == "1" && row.formatted(.available) == "91")
    try ledger.apply(jsonLines: [#"{"op":"tick","time":"2024-01-01T00:01:30Z"}"#])
    #expect(try ledger.balances(account: "d").first?.formatted(.available) == "92")
    #expect(
      try ledger.buckets(account: "d", asset: "FET").map(\.bucket) == [
        .available, .staked(validator: "v"),
      ])
  }

  @Test func anUnbondingPeriodNeedsATime() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any","unbondingSeconds":60}"#,
      #"{"op":"mint","asset":"FET","to":"d","amount":"100","height":5}"#,
      #"{"op":"registerValidator","asset":"FET","validator":"v","operator":"o","commission":"0"}"#,
      #"{"op":"delegate","asset":"FET","delegator":"d","validator":"v","amount":"10"}"#,
    ])
    #expect(
      errorCode(
        ledger, [#"{"op":"undelegate","asset":"FET","delegator":"d","validator":"v","amount":"1"}"#]
      ) == .invalidOperation)
  }

  @Test func commissionChangesFollowTheAssetsRule() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: cosmos)
    func change(_ rate: String, _ time: String) -> ErrorCode? {
      errorCode(
        ledger,
        [
          #"{"op":"registerValidator","asset":"FET","validator":"v","operator":"o","commission":"\#(rate)","time":"\#(time)"}"#
        ])
    }
    #expect(change("0.6", "2024-01-03T00:00:00Z") == .invalidRate, "above maxCommission")
    #expect(
      change("0.111", "2024-01-03T00:00:00Z") == .invalidRate, "a rise above maxCommissionChange")
    #expect(change("0.11", "2024-01-03T00:00:00Z") == nil)
    #expect(change("0.1", "2024-01-03T12:00:00Z") == .invalidRate, "a second change within a day")
    #expect(change("0.11", "2024-01-03T12:00:00Z") == nil, "re-registering unchanged is no change")
    #expect(change("0.1", "2024-01-04T00:00:00Z") == nil)
  }

  @Test func delegationsListEveryStakeAndTheValidatorTotal() throws {
    let ledger = try makeLedger()
    try ledger.apply(
      jsonLines: cosmos + [
        #"{"op":"mint","asset":"FET","to":"e","amount":"100"}"#,
        #"{"op":"delegate","asset":"FET","delegator":"d","validator":"v","amount":"10"}"#,
        #"{"op":"delegate","asset":"FET","delegator":"e","validator":"v","amount":"30"}"#,
      ])
    let delegations = try ledger.delegations(asset: "FET", validator: "v")
    #expect(delegations.map(\.delegator) == ["e", "d"])
    #expect(
      delegations.first?.validatorStake
        == (try AssetDefinition(symbol: "FET", decimals: 18, addressScheme: .any).amount("40")))
    #expect(throws: LedgerError.self) { try ledger.delegations(asset: "FET", validator: "nobody") }
  }

  @Test func aWrongExpectedRewardIsReported() throws {
    let path = Repository.root + "/fixtures/staking/tao-validator.json"
    let text = String(decoding: try Repository.read(path), as: UTF8.self)
      .replacingOccurrences(of: #""staked": "400.468571429""#, with: #""staked": "400.468571428""#)
    let report = try Fixture(json: Array(text.utf8)).load(into: try makeLedger())
    #expect(
      report.failures == [
        "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y TAO staked: expected 400.468571428, actual 400.468571429"
      ])
  }

  /// A validator's own limits (Cosmos `max_rate`, `max_change_rate`): fixed at creation,
  /// bounding every later commission and every raise.
  @Test func aValidatorsOwnLimitsBindItsCommission() throws {
    let ledger = try makeLedger()
    func register(_ commission: String, _ extra: String = "") -> String {
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":"\#(commission)"\#(extra)}"#
    }
    try ledger.apply(jsonLines: [
      anyAsset, register("0.1", #","maxRate":"0.2","maxChangeRate":"0.01""#),
    ])
    #expect(errorCode(ledger, [register("0.25")]) == .invalidRate, "above its max rate")
    #expect(errorCode(ledger, [register("0.12")]) == .invalidRate, "a raise above its max change")
    try ledger.apply(jsonLines: [register("0.11")])
    #expect(errorCode(ledger, [register("0.11", #","maxRate":"0.3""#)]) == .invalidRate, "fixed")
    try ledger.apply(jsonLines: [register("0.1", #","maxRate":"0.2""#)])
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"registerValidator","asset":"TOK","validator":"w","operator":"o","commission":"0","maxRate":"0.1","maxChangeRate":"0.2"}"#
        ]
      ) == .invalidRate, "a max change above the max rate")
    #expect(try ledger.audit().ok)
    #expect(try ledger.replay().ok)
  }
}

extension String {
  func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
