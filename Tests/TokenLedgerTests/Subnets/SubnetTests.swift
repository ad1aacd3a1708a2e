import Testing

@testable import TokenLedger

/// Dynamic TAO: a subnet's alpha is an asset of its own, found by netuid; stake operations
/// move TAO and alpha in one entry as the chain's events state them (contract, "Subnets").
@Suite struct SubnetTests {
  static let coldkey = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
  static let other = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
  static let hotkey = "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw"
  static let owner = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"

  static let tao =
    #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound"}"#
  static func alpha(_ symbol: String, _ netuid: Int) -> String {
    #"{"op":"defineAsset","symbol":"\#(symbol)","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound","subnet":{"of":"TAO","netuid":\#(netuid)}}"#
  }
  static let setup = [
    tao, alpha("SN7", 7), alpha("SN8", 8),
    #"{"op":"mint","asset":"TAO","to":"\#(coldkey)","amount":"100","height":1}"#,
    #"{"op":"registerValidator","asset":"SN7","validator":"\#(hotkey)","operator":"\#(owner)","commission":"0.18"}"#,
    #"{"op":"registerValidator","asset":"SN8","validator":"\#(hotkey)","operator":"\#(owner)","commission":"0.18"}"#,
  ]
  static let stake =
    #"{"op":"stakeIntoSubnet","id":"0xs:1","coldkey":"\#(coldkey)","hotkey":"\#(hotkey)","netuid":7,"tao":"10","alpha":"30","fee":"0.001","height":2}"#

  @Test func aSubnetStakeMovesTaoAndAlphaInOneEntry() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup + [Self.stake])
    let rows = try ledger.history(account: Self.coldkey).filter { $0.kind == .stakeIntoSubnet }
    #expect(rows.map(\.asset) == ["SN7", "TAO"])
    #expect(Set(rows.map(\.sequence)).count == 1)
    #expect(
      rows.first { $0.asset == "SN7" }?.changes.map(\.bucket) == [.staked(validator: Self.hotkey)])
    let staked = try ledger.balances(account: Self.coldkey, asset: "SN7")
    #expect(staked.first?.staked.formatted(decimals: 9) == "30")
    #expect(
      try ledger.balances(account: "@subnet:7", asset: "TAO").first?.available.formatted(
        decimals: 9) == "9.999")
    #expect(
      try ledger.balances(account: "@subnet:7", asset: "SN7").first?.available.formatted(
        decimals: 9) == "-30")
    #expect(
      try ledger.balances(account: "@fees", asset: "TAO").first?.available.formatted(decimals: 9)
        == "0.001")
    // Nothing adds alpha and TAO: each is its own row of the coldkey's balance.
    #expect(Set(try ledger.balances(account: Self.coldkey).map(\.asset)) == ["SN7", "TAO"])
    #expect(try ledger.audit().ok)
    #expect(try ledger.replay().ok)
  }

  @Test func emissionsCompoundIntoAlphaStake() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup + [Self.stake])
    try ledger.apply(jsonLines: [
      #"{"op":"reward","asset":"SN7","validator":"\#(Self.hotkey)","amount":"1","height":3}"#
    ])
    // Take floor(1 × 0.18) = 0.18 alpha to the owner; 0.82 compounds into the only stake.
    let stake = try ledger.balances(account: Self.coldkey, asset: "SN7").first?.staked
    #expect(stake?.formatted(decimals: 9) == "30.82")
    #expect(
      try ledger.balances(account: Self.owner, asset: "SN7").first?.staked.formatted(decimals: 9)
        == "0.18")
    #expect(try ledger.totalSupply(asset: "SN7").formatted(decimals: 9) == "31")
    #expect(try ledger.totalSupply(asset: "TAO").formatted(decimals: 9) == "90")
  }

  @Test func anAlphaNeedsAParentOfItsKind() throws {
    let ledger = try makeLedger()
    #expect(errorCode(ledger, [Self.alpha("SN1", 1)]) == .unknownAsset)
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"ETH","decimals":18,"addressScheme":"evm"}"#, Self.tao,
    ])
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"defineAsset","symbol":"SN1","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound","subnet":{"of":"ETH","netuid":1}}"#
        ]
      ) == .invalidOperation)
    for wrong in [
      #""decimals":18,"addressScheme":"ss58","rewardPolicy":"compound""#,
      #""decimals":9,"addressScheme":"evm","rewardPolicy":"compound""#,
      #""decimals":9,"addressScheme":"ss58","rewardPolicy":"claim""#,
    ] {
      #expect(
        errorCode(
          ledger,
          [#"{"op":"defineAsset","symbol":"SN1",\#(wrong),"subnet":{"of":"TAO","netuid":1}}"#]
        ) == .invalidOperation, "\(wrong)")
    }
    #expect(
      errorCode(
        ledger,
        [
          #"{"op":"defineAsset","symbol":"SN0","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound","subnet":{"of":"TAO","netuid":0}}"#
        ]
      ) == .invalidOperation)
    // One alpha per netuid: entries name the subnet by netuid, so a second alpha would make
    // them ambiguous to the audit and replay (probe finding: both failed after one).
    try ledger.apply(jsonLines: [Self.alpha("A", 4)])
    #expect(errorCode(ledger, [Self.alpha("B", 4)]) == .invalidOperation)
    #expect(try ledger.apply(jsonLines: [Self.alpha("A", 4)]) == [.unchanged(sequence: nil)])
    #expect(try ledger.audit().ok)
  }

  @Test func theChainsRejectionsAreTheContractsCodes() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup + [Self.stake])
    let before = try ledger.summary()
    let cases: [(String, ErrorCode)] = [
      (
        #""op":"stakeIntoSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.hotkey)","netuid":7,"tao":"90.000000001","alpha":"1""#,
        .insufficientBalance
      ),
      (
        #""op":"unstakeFromSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.hotkey)","netuid":7,"alpha":"30.000000001","tao":"1""#,
        .insufficientStake
      ),
      (
        #""op":"stakeIntoSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.hotkey)","netuid":7,"tao":"1","alpha":"1","fee":"1.1""#,
        .invalidAmount
      ),
      (
        #""op":"stakeIntoSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.hotkey)","netuid":9,"tao":"1","alpha":"1""#,
        .unknownAsset
      ),
      (
        #""op":"stakeIntoSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.hotkey)","netuid":0,"tao":"1","alpha":"1""#,
        .unknownAsset
      ),
      (
        #""op":"stakeIntoSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.other)","netuid":7,"tao":"1","alpha":"1""#,
        .unknownValidator
      ),
      (
        #""op":"stakeIntoSubnet","coldkey":"0x5B38Da6a701c568545dCfcB03FcB875f56beddC4","hotkey":"\#(Self.hotkey)","netuid":7,"tao":"1","alpha":"1""#,
        .invalidAddress
      ),
      (
        #""op":"stakeIntoSubnet","coldkey":"\#(Self.coldkey)","hotkey":"\#(Self.hotkey)","netuid":7,"tao":"1","alpha":"0""#,
        .invalidAmount
      ),
      (
        #""op":"moveStake","coldkey":"\#(Self.coldkey)","from":{"hotkey":"\#(Self.hotkey)","netuid":7},"to":{"hotkey":"\#(Self.hotkey)","netuid":8},"alpha":"1","received":"1""#,
        .invalidOperation
      ),
      (
        #""op":"moveStake","coldkey":"\#(Self.coldkey)","from":{"hotkey":"\#(Self.hotkey)","netuid":7},"to":{"hotkey":"\#(Self.hotkey)","netuid":7},"alpha":"1","received":"1""#,
        .invalidOperation
      ),
      (
        #""op":"transferStake","from":"\#(Self.coldkey)","to":"\#(Self.other)","hotkey":"\#(Self.hotkey)","netuid":7,"alpha":"30.1""#,
        .insufficientStake
      ),
    ]
    for (fields, code) in cases {
      #expect(errorCode(ledger, ["{\(fields)}"]) == code, "\(fields)")
    }
    #expect(try ledger.summary() == before, "nothing of a refused operation is written")
    // A paused parent stops a stake (it moves TAO) but not a move within the subnet.
    try ledger.apply(jsonLines: [
      #"{"op":"setPaused","asset":"TAO","paused":true}"#,
      #"{"op":"transferStake","from":"\#(Self.coldkey)","to":"\#(Self.other)","hotkey":"\#(Self.hotkey)","netuid":7,"alpha":"5"}"#,
    ])
    #expect(
      errorCode(ledger, [Self.stake.replacingOccurrences(of: "0xs:1", with: "0xs:2")])
        == .assetPaused)
  }

  @Test func aMoveAcrossSubnetsIsAnUnstakeAndAStakeInOneEntry() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup + [Self.stake])
    try ledger.apply(jsonLines: [
      #"{"op":"moveStake","coldkey":"\#(Self.coldkey)","from":{"hotkey":"\#(Self.hotkey)","netuid":7},"to":{"hotkey":"\#(Self.hotkey)","netuid":8},"alpha":"30","tao":"9.9","received":"12","fee":"0.01","height":4}"#
    ])
    func amount(_ account: String, _ asset: String) throws -> String {
      try ledger.balances(account: account, asset: asset).first.map {
        $0.total.formatted(decimals: 9)
      } ?? "0"
    }
    #expect(try amount(Self.coldkey, "SN7") == "0")
    #expect(try amount(Self.coldkey, "SN8") == "12")
    #expect(try amount("@subnet:7", "TAO") == "0.099")
    #expect(try amount("@subnet:8", "TAO") == "9.89")
    #expect(try amount("@fees", "TAO") == "0.011")
    #expect(try amount(Self.coldkey, "TAO") == "90")
    #expect(try ledger.audit().ok)
    let replay = try ledger.replay()
    #expect(replay.ok, "\(replay.failures)")
  }

  /// The statement of an alpha asset follows stakes made by subnet operations, including a
  /// move from another subnet (an entry dated by the other alpha): an emission after it is
  /// split by the stakes the compiler saw, and the statement adds up to the journal's rewards.
  @Test func aStatementOfAlphaSeesStakesMadeBySubnetOperations() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.setup + [Self.stake])
    try ledger.apply(jsonLines: [
      #"{"op":"moveStake","coldkey":"\#(Self.coldkey)","from":{"hotkey":"\#(Self.hotkey)","netuid":7},"to":{"hotkey":"\#(Self.hotkey)","netuid":8},"alpha":"10","tao":"3","received":"4","height":5}"#,
      #"{"op":"reward","asset":"SN8","validator":"\#(Self.hotkey)","amount":"1","height":6}"#,
      #"{"op":"reward","asset":"SN7","validator":"\#(Self.hotkey)","amount":"1","height":6}"#,
    ])
    for asset in ["SN7", "SN8"] {
      let statement = try ledger.rewardStatement(asset: asset)
      #expect(statement.addsUp == true, "\(asset)")
      let earned = Dictionary(
        statement.rows.map { ($0.holder, $0.amounts.earned.formatted(decimals: 9)) }
      ) { $0 + "+" + $1 }
      // Take 0.18 to the owner; the coldkey's stake is the only one: 0.82 compounds.
      #expect(earned == [Self.owner: "0.18", Self.coldkey: "0.82"], "\(asset)")
    }
  }
}
