import Foundation
import Testing

@testable import TokenLedger

/// A typed `Operation` is validated and normalised exactly as an `apply` line is: a malformed
/// address is refused with the same code, an upper-case bech32 address is stored in its one
/// canonical form (no second holder), a height past the limit is refused; so audit, replay and
/// `export | apply` agree. And the audit names a stored address that is not canonical.
@Suite struct TypedOperationValidationTests {
  static let fet =
    #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"bech32:fetch"}"#
  static let alice = "fetch16254fzc4yzuassvg08fffw8u6dxvf28fv9dnnx"

  static func ledger() throws -> Ledger {
    let ledger = try Ledger.open(at: ":memory:", create: true)
    try ledger.apply(jsonLines: [fet])
    return ledger
  }

  @Test func aMalformedAddressIsRefusedAsTheJSONPathRefusesIt() throws {
    let ledger = try Self.ledger()
    let typed = #expect(throws: LedgerError.self) {
      try ledger.apply([
        Operation(action: .mint(asset: "FET", to: "not-an-address", amount: Amount(baseUnits: 1)))
      ])
    }
    let line = #expect(throws: LedgerError.self) {
      try ledger.apply(jsonLines: [
        #"{"op":"mint","asset":"FET","to":"not-an-address","amount":"0.000000000000000001"}"#
      ])
    }
    #expect(typed?.code == .invalidAddress)
    #expect(typed == line)
    #expect(try ledger.summary().entries == 1)
  }

  @Test func anUpperCaseBech32AddressIsOneHolderAndEverythingAgrees() throws {
    let ledger = try Self.ledger()
    try ledger.apply([
      Operation(
        action: .mint(asset: "FET", to: Self.alice.uppercased(), amount: Amount(baseUnits: 5))),
      Operation(action: .mint(asset: "FET", to: Self.alice, amount: Amount(baseUnits: 7))),
    ])
    let holders = try ledger.read { journal in
      try journal.database.firstRow(
        "SELECT group_concat(holder) FROM accounts WHERE holder NOT GLOB '@*'"
      ) { $0.text(0) }
    }
    #expect(holders == Self.alice)
    #expect(try ledger.audit().ok)
    let replay = try ledger.replay()
    #expect(replay.ok, "\(replay)")
    var lines: [String] = []
    try ledger.exportLines { lines.append($0) }
    let copy = try Ledger.open(at: ":memory:", create: true)
    try copy.apply(jsonLines: lines)
    #expect(try copy.summary().stateDigest == ledger.summary().stateDigest)
  }

  @Test func aHeightPastTheLimitIsRefusedOnEveryPath() throws {
    let ledger = try Self.ledger()
    for height in [Limits.heightMax + 1, Int64.max] {
      let error = #expect(throws: LedgerError.self) {
        try ledger.apply([
          Operation(
            height: height,
            action: .mint(asset: "FET", to: Self.alice, amount: Amount(baseUnits: 1)))
        ])
      }
      #expect(error?.code == .invalidOperation)
      #expect(error?.message.contains("height") == true)
    }
    try ledger.apply([
      Operation(
        height: Limits.heightMax,
        action: .mint(asset: "FET", to: Self.alice, amount: Amount(baseUnits: 1)))
    ])
    #expect(try ledger.replay().ok)
  }

  @Test func theAuditNamesAStoredAddressThatIsNotCanonical() throws {
    let ledger = try Self.ledger()
    try ledger.apply([
      Operation(action: .mint(asset: "FET", to: Self.alice, amount: Amount(baseUnits: 5)))
    ])
    #expect(try ledger.audit().ok)
    try ledger.withConnection { database in
      try database.execute(
        "UPDATE accounts SET holder = upper(holder) WHERE holder = $1",
        [
          .text(Self.alice)
        ])
    }
    let audit = try ledger.audit()
    let check = audit.checks.first { $0.name == "canonicalAddresses" }
    #expect(check?.ok == false)
    #expect(check?.violations.first?.expected == Self.alice)
    #expect(check?.violations.first?.actual == Self.alice.uppercased())
  }
}
