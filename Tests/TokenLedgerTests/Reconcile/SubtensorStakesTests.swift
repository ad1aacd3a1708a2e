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
