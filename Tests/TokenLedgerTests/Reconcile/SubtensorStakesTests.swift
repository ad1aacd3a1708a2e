import Foundation
import Testing

@testable import TokenLedger

/// `reconcile --kind subtensor-stakes`: the SDK's stake list against a subnet's alpha stakes,
/// every (coldkey, hotkey, netuid) covered both ways; other subnets' stakes are skipped.
@Suite struct SubtensorStakesTests {
  static let (c1, c2, h, owner) = (
    SubnetTests.coldkey, SubnetTests.other, SubnetTests.hotkey, SubnetTests.owner
  )
  static let h2 = RandomOperations.hotkeys[1]

  func ledger() throws -> Ledger {
    let ledger = try makeLedger()
    let fixture = try Fixture(
      json: try Repository.read(Repository.root + "/fixtures/subnets/alpha-stake.json"))
    #expect(try fixture.load(into: ledger).failures == [])
    return ledger
  }

  func file(_ stakes: [(String, String, Int, String)], subnets: String = "") throws -> String {
    let items = stakes.map {
      #"{"coldkey":"\#($0.0)","hotkey":"\#($0.1)","netuid":\#($0.2),"stake":\#($0.3)}"#
    }
    let text =
      #"{"block":5000500,"stakes":[\#(items.joined(separator: ","))]\#(subnets)}"#
    let path = NSTemporaryDirectory() + "tokenledger-stakes-\(UUID().uuidString).json"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// The fixture's SN1 stakes, exactly (rao).
  static let exact: [(String, String, Int, String)] = [
    (c1, h, 1, "100000000000"), (c1, h2, 1, "50000000000"), (c2, h, 1, "100000000000"),
    (c2, h2, 1, "5481283422"), (owner, h, 1, "1800000000"), (c1, h, 2, "90000000000"),
  ]

  @Test func theChainsStakesMatchTheLedgersPerSubnet() throws {
    let ledger = try ledger()
    let path = try file(
      Self.exact, subnets: #","subnets":[{"netuid":1,"taoIn":99440000000,"alphaIn":1000000000000}]"#
    )
    let sn1 = try ledger.reconcile(kind: .subtensorStakes, path: path, asset: "SN1")
    #expect(sn1.matched == 5)
    #expect(sn1.mismatchedCount + sn1.missingInLedgerCount + sn1.missingInSourceCount == 0)
    #expect(sn1.skipped[.otherSubnet] == 1)
    let sn2 = try ledger.reconcile(kind: .subtensorStakes, path: path, asset: "SN2")
    #expect(sn2.matched == 1)
    #expect(sn2.skipped[.otherSubnet] == 5)
  }

  @Test func aDifferenceAndAnUncoveredStakeAreNamed() throws {
    let ledger = try ledger()
    var stakes = Self.exact.filter { $0.0 != Self.owner }
    stakes[3].3 = "5481283421"
    let report = try ledger.reconcile(
      kind: .subtensorStakes, path: try file(stakes), asset: "SN1")
    #expect(report.mismatched.map(\.difference) == ["-0.000000001"])
    #expect(report.mismatched.first?.account == Self.c2)
    #expect(report.missingInSource.map(\.account) == [Self.owner])
    #expect(report.missingInSource.first?.validator == Self.h)
  }

  @Test func aMalformedStakeListIsRefusedNamingItsPlace() throws {
    let ledger = try ledger()
    let cases: [(String, String)] = [
      (
        #"{"block":1,"stakes":[{"coldkey":"x","hotkey":"\#(Self.h)","netuid":1,"stake":1}]}"#,
        "stakes[0].coldkey"
      ),
      (
        #"{"block":1,"stakes":[{"coldkey":"\#(Self.c1)","hotkey":"\#(Self.h)","netuid":1,"stake":1.5}]}"#,
        "stakes[0].stake"
      ),
      (
        #"{"block":1,"stakes":[{"coldkey":"\#(Self.c1)","hotkey":"\#(Self.h)","netuid":70000,"stake":1}]}"#,
        "netuid"
      ),
      (#"{"block":1,"stakes":[],"extra":1}"#, "extra"),
      (
        #"{"block":1,"stakes":[],"subnets":[{"netuid":1,"taoIn":-1,"alphaIn":1}]}"#,
        "subnets[0].taoIn"
      ),
      (
        #"{"block":1,"stakes":[],"subnets":[{"netuid":1,"taoIn":1,"alphaIn":1},{"netuid":1,"taoIn":2,"alphaIn":1}]}"#,
        "subnets[1]: subnet 1 is listed twice"
      ),
    ]
    for (text, place) in cases {
      let path = NSTemporaryDirectory() + "tokenledger-stakes-\(UUID().uuidString).json"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      do {
        _ = try ledger.reconcile(kind: .subtensorStakes, path: path, asset: "SN1")
        Issue.record("accepted: \(text)")
      } catch let error as LedgerError {
        #expect(error.message.contains(place), "\(error.message)")
      }
    }
  }
}

/// The Bittensor SDK's recorded mainnet metagraph of subnet 1 at block 6,852,690
/// (opentensor/bittensor `tests/helpers/integration_websocket_data.py`, MIT; derived by
/// `tools/derive-dtao-stakes.py`): 40 hotkeys' alpha totals, each with its owner coldkey as the
/// chain pairs them, and the pool's reserves. Booked as opening positions, the stake list
/// reconciles key by key; one rao more on one position is named.
@Suite struct RecordedSubnetStakesTests {
  static let path = Repository.root + "/fixtures/real/subtensor-stakes-netuid1-block6852690.json"

  @Test func theRecordedStakeListReconcilesWithTheLedgerBuiltFromIt() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound"}"#,
      #"{"op":"defineAsset","symbol":"SN1","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound","subnet":{"of":"TAO","netuid":1}}"#,
    ])
    let document = try JSONParser.parse(try Repository.read(Self.path))
    guard case .array(let stakes)? = document.objectValue?["stakes"] else {
      Issue.record("the sample has no stakes")
      return
    }
    #expect(stakes.count == 40)
    var lines: [String] = []
    var registered: Set<String> = []
    for stake in stakes {
      guard case .string(let coldkey)? = stake.objectValue?["coldkey"],
        case .string(let hotkey)? = stake.objectValue?["hotkey"],
        case .number(let rao)? = stake.objectValue?["stake"]
      else { continue }
      if registered.insert(hotkey).inserted {
        lines.append(
          #"{"op":"registerValidator","asset":"SN1","validator":"\#(hotkey)","operator":"\#(coldkey)","commission":"0.18"}"#
        )
      }
      let amount = Amount(baseUnits: UInt128(rao)!).formatted(decimals: 9)
      lines.append(
        #"{"op":"openingBalance","asset":"SN1","to":"\#(coldkey)","amount":"\#(amount)","bucket":"staked","validator":"\#(hotkey)"}"#
      )
    }
    try ledger.apply(jsonLines: lines)
    let report = try ledger.reconcile(kind: .subtensorStakes, path: Self.path, asset: "SN1")
    #expect(report.matched == 40)
    #expect(report.mismatchedCount + report.missingInLedgerCount + report.missingInSourceCount == 0)
    // One rao more on the first position is the one difference.
    guard case .string(let coldkey)? = stakes[0].objectValue?["coldkey"],
      case .string(let hotkey)? = stakes[0].objectValue?["hotkey"]
    else { return }
    try ledger.apply(jsonLines: [
      #"{"op":"openingBalance","asset":"SN1","to":"\#(coldkey)","amount":"0.000000001","bucket":"staked","validator":"\#(hotkey)"}"#
    ])
    let after = try ledger.reconcile(kind: .subtensorStakes, path: Self.path, asset: "SN1")
    #expect(after.mismatched.map(\.difference) == ["-0.000000001"])
  }
}
