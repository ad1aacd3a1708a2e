import Testing

@testable import TokenLedger

/// The contract's precedence, each case with two faults in one operation so that the order is
/// what decides the code: shape first (unknown, missing, null fields), then what reads the
/// ledger; OpenZeppelin v5's order for the ERC-20 verbs; Cosmos's for delegation.
@Suite struct PrecedenceTests {
  let evm = #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm"}"#
  let holder = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  let spender = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
  let zero = "0x0000000000000000000000000000000000000000"

  @Test(arguments: [
    // An unknown field beats an unknown asset and a bad amount.
    (#"{"op":"mint","asset":"NOPE","to":"a","amount":"x","bogus":1}"#, ErrorCode.invalidOperation),
    // A missing field beats an unknown asset.
    (#"{"op":"mint","asset":"NOPE","amount":"1"}"#, .invalidOperation),
    // A null amount is invalidAmount, before the unknown asset is looked up.
    (#"{"op":"mint","asset":"NOPE","to":"a","amount":null}"#, .invalidAmount),
    // A null non-amount field is invalidOperation, before the amount is parsed.
    (#"{"op":"mint","asset":"TOK","to":null,"amount":"-1"}"#, .invalidOperation),
    (#"{"op":"mint","asset":"TOK","to":"a","amount":"1","height":null}"#, .invalidOperation),
    (#"{"op":"mint","asset":"TOK","to":"a","amount":"1","time":null}"#, .invalidOperation),
    (#"{"op":"mint","asset":"TOK","to":"a","amount":"1","id":null}"#, .invalidOperation),
    (
      #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"1","hold":"h","expires":null}"#,
      .invalidOperation
    ),
    // expectError outside a fixture is an unknown field, before the unknown hold.
    (#"{"op":"void","hold":"nope","expectError":"unknownHold"}"#, .invalidOperation),
    // A rate as a JSON number is invalidRate, not a shape error.
    (
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":0.05}"#,
      .invalidRate
    ),
    (#"{"op":"slash","asset":"TOK","validator":"v","fraction":1}"#, .invalidRate),
    // A tick moves the clock: it needs a height or a time.
    (#"{"op":"tick","asset":"TOK"}"#, .invalidOperation),
  ])
  func shapeComesBeforeState(line: String, expected: ErrorCode) throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    #expect(errorCode(ledger, [line]) == expected, "\(line)")
  }

  /// `{"op":"settle","hold":"h1","amount":null}` paid out the whole hold: null is never absent.
  @Test func aNullSettleAmountIsInvalidAndPaysNothing() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
      #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"4","hold":"h1"}"#,
    ])
    #expect(
      errorCode(ledger, [#"{"op":"settle","hold":"h1","amount":null}"#]) == .invalidAmount)
    #expect(try ledger.balances(account: "b").isEmpty, "nothing was paid")
  }

  /// OpenZeppelin v5: `_spendAllowance` runs before `_update`'s pause and balance checks.
  @Test func transferFromSpendsTheAllowanceBeforeThePauseAndTheBalance() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      evm, #"{"op":"mint","asset":"FET","to":"\#(holder)","amount":"5"}"#,
      #"{"op":"setPaused","asset":"FET","paused":true}"#,
    ])
    let move =
      #"{"op":"transferFrom","asset":"FET","spender":"\#(spender)","from":"\#(holder)","to":"\#(spender)","amount":"10"}"#
    #expect(errorCode(ledger, [move]) == .insufficientAllowance, "paused, and no allowance")
    try ledger.apply(jsonLines: [
      #"{"op":"approve","asset":"FET","owner":"\#(holder)","spender":"\#(spender)","amount":"20"}"#
    ])
    #expect(errorCode(ledger, [move]) == .assetPaused, "paused, and short of balance")
    try ledger.apply(jsonLines: [#"{"op":"setPaused","asset":"FET","paused":false}"#])
    #expect(errorCode(ledger, [move]) == .insufficientBalance)
  }

  /// A zero spender is `invalidSpender` only once the allowance check passes (`_approve`).
  @Test func aZeroSpenderIsInvalidSpenderOnlyAfterTheAllowanceCheck() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      evm, #"{"op":"mint","asset":"FET","to":"\#(holder)","amount":"5"}"#,
    ])
    func move(_ amount: String) -> String {
      #"{"op":"transferFrom","asset":"FET","spender":"\#(zero)","from":"\#(holder)","to":"\#(spender)","amount":"\#(amount)"}"#
    }
    #expect(errorCode(ledger, [move("1")]) == .insufficientAllowance)
    #expect(errorCode(ledger, [move("0")]) == .invalidSpender)
  }

  /// The zero-address checks of `_transfer` and `_mint` come before `_update`'s pause check.
  @Test func zeroAddressesComeBeforeThePause() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      evm, #"{"op":"mint","asset":"FET","to":"\#(holder)","amount":"5"}"#,
      #"{"op":"setPaused","asset":"FET","paused":true}"#,
    ])
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"FET","to":"\#(zero)","amount":"1"}"#])
        == .invalidReceiver)
    #expect(
      errorCode(
        ledger,
        [#"{"op":"transfer","asset":"FET","from":"\#(holder)","to":"\#(zero)","amount":"9"}"#])
        == .invalidReceiver)
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"FET","to":"\#(holder)","amount":"1"}"#])
        == .assetPaused)
  }

  /// Cosmos withdraws the pair's pending rewards before it moves the delegated funds, so the
  /// rewards can pay for the delegation.
  @Test func aDelegationCanBeFundedByThePairsPendingRewards() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"d","amount":"10"}"#,
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":"0"}"#,
      #"{"op":"delegate","asset":"TOK","delegator":"d","validator":"v","amount":"10"}"#,
      #"{"op":"reward","asset":"TOK","validator":"v","amount":"3"}"#,
    ])
    #expect(
      errorCode(
        ledger, [#"{"op":"delegate","asset":"TOK","delegator":"d","validator":"v","amount":"4"}"#])
        == .insufficientBalance, "3 in rewards do not cover 4")
    try ledger.apply(jsonLines: [
      #"{"op":"delegate","asset":"TOK","delegator":"d","validator":"v","amount":"3"}"#
    ])
    let row = try #require(try ledger.balances(account: "d").first)
    #expect(row.formatted(.staked) == "13")
    #expect(row.formatted(.available) == "0")
    #expect(row.formatted(.rewards) == "0")
    #expect(try ledger.audit().ok)
  }

  /// The zero address never receives: not as a validator, not as the operator of one.
  @Test func theZeroAddressCannotBeAValidatorOrOperator() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [evm])
    for (validator, operatorAddress) in [(zero, holder), (holder, zero)] {
      let line =
        #"{"op":"registerValidator","asset":"FET","validator":"\#(validator)","operator":"\#(operatorAddress)","commission":"0"}"#
      #expect(errorCode(ledger, [line]) == .invalidReceiver)
    }
  }

  /// The contract's `denom` is an asset field (cosmos-export selects coins by it).
  @Test func anAssetMayNameItsDenom() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"bech32:fetch","denom":"afet"}"#
    ])
    #expect(try ledger.asset("FET")?.denom == "afet")
    #expect(
      errorCode(
        ledger,
        [#"{"op":"defineAsset","symbol":"X","decimals":18,"addressScheme":"any","denom":"1x"}"#])
        == .invalidOperation)
  }

  /// On a paused asset the names come first: an operation naming an unregistered validator or
  /// a hold that is not open is `unknownValidator` / `unknownHold`; naming what exists, it is
  /// `assetPaused` (a differential run against an independent model found the pause first).
  @Test(arguments: [
    (#"{"op":"delegate","asset":"TOK","delegator":"a","validator":"V","amount":"1"}"#, "V"),
    (#"{"op":"undelegate","asset":"TOK","delegator":"a","validator":"V","amount":"1"}"#, "V"),
    (
      #"{"op":"redelegate","asset":"TOK","delegator":"a","from":"v","to":"V","amount":"1"}"#,
      "V"
    ),
    (#"{"op":"reward","asset":"TOK","validator":"V","amount":"1"}"#, "V"),
    (#"{"op":"claim","asset":"TOK","delegator":"a","validator":"V"}"#, "V"),
    (#"{"op":"slash","asset":"TOK","validator":"V","fraction":"0.1"}"#, "V"),
    (
      #"{"op":"openingBalance","asset":"TOK","to":"a","amount":"1","bucket":"staked","validator":"V"}"#,
      "V"
    ),
    (#"{"op":"settle","hold":"H"}"#, "H"),
    (#"{"op":"void","hold":"H"}"#, "H"),
  ])
  func onAPausedAssetAnUnknownNameComesBeforeThePause(line: String, name: String) throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":"0"}"#,
      #"{"op":"delegate","asset":"TOK","delegator":"a","validator":"v","amount":"2"}"#,
      // H exists but is no longer open: settled, it is unknown to settle and void.
      #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"1","hold":"H"}"#,
      #"{"op":"settle","hold":"H"}"#,
      #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"1","hold":"h"}"#,
      #"{"op":"setPaused","asset":"TOK","paused":true}"#,
    ])
    let unknown: ErrorCode = name == "H" ? .unknownHold : .unknownValidator
    #expect(errorCode(ledger, [line]) == unknown, "\(line)")
    // The same operation naming what exists meets the pause.
    let known = line.replacingOccurrences(of: "\"\(name)\"", with: "\"\(name.lowercased())\"")
    #expect(errorCode(ledger, [known]) == .assetPaused, "\(known)")
  }

  /// Registering a validator (or changing its commission) moves nothing: a paused asset
  /// accepts it, and still refuses the first delegation to it.
  @Test func aPausedAssetStillRegistersValidators() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
      #"{"op":"setPaused","asset":"TOK","paused":true}"#,
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":"0.1"}"#,
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":"0.2"}"#,
    ])
    #expect(try ledger.validators(asset: "TOK").first?.record.commission.description == "0.2")
    #expect(
      errorCode(
        ledger, [#"{"op":"delegate","asset":"TOK","delegator":"a","validator":"v","amount":"1"}"#])
        == .assetPaused)
    #expect(try ledger.audit().ok)
  }

  /// An asset that unbonds over a period needs the time of every undelegate, of 0 as well.
  @Test func anUndelegateOfNothingStillNeedsTheTime() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"TOK","decimals":6,"addressScheme":"any","unbondingSeconds":60}"#,
      #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"o","commission":"0"}"#,
      #"{"op":"delegate","asset":"TOK","delegator":"a","validator":"v","amount":"2"}"#,
    ])
    let zero = #"{"op":"undelegate","asset":"TOK","delegator":"a","validator":"v","amount":"0"}"#
    #expect(errorCode(ledger, [zero]) == .invalidOperation)
    let timed =
      #"{"op":"undelegate","asset":"TOK","delegator":"a","validator":"v","amount":"0","time":"2024-01-01T00:00:00Z"}"#
    try ledger.apply(jsonLines: [timed])
    let row = try #require(try ledger.balances(account: "a", asset: "TOK").first)
    #expect(row.formatted(.staked) == "2", "\(row)")
  }
}
