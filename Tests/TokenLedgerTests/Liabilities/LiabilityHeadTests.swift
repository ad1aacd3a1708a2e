import Foundation
import Testing

@testable import TokenLedger

/// Several assets' proofs of liabilities at one entry: one tree and root per asset (an alpha
/// of each subnet its own), tied by a signed head; a proof of another entry, a root changed in
/// the head or a head signed by another key does not verify.
@Suite struct LiabilityHeadTests {
  static let (c1, c2, owner) = (SubnetTests.coldkey, SubnetTests.other, SubnetTests.owner)

  /// The dynamic-TAO fixture: TAO, SN1 and SN2 held by C1, C2 and the owner (hand-worked).
  func ledger() throws -> Ledger { try SubtensorStakesTests().ledger() }

  @Test func everyAssetHasItsOwnRootAtOneEntryUnderOneSignature() throws {
    let ledger = try ledger()
    let key = Checkpoint.generatePrivateKey()
    let published = try ledger.liabilities(
      assets: ["SN2", "TAO", "SN1"], at: nil, privateKey: key.privateKey)
    let head = published.head
    #expect(head.roots.map(\.asset) == ["SN1", "SN2", "TAO"])
    #expect(head.sequence == (try ledger.summary().entries))
    #expect(Set(published.publications.map(\.root.sequence)) == [head.sequence])
    // The fixture's hand-worked holdings: C1 150 SN1 (on H2 and H), C2 105.481283422, the
    // owner 1.8; every SN2 is C1's 90.
    #expect(head.root(asset: "SN1")?.total.formatted(decimals: 9) == "257.281283422")
    #expect(head.root(asset: "SN2")?.total.formatted(decimals: 9) == "90")
    #expect(head.root(asset: "SN2")?.holders == 1)
    try head.verifySignature(trustedPublicKey: key.publicKey)
    for publication in published.publications {
      try publication.root.verifySignature(trustedPublicKey: key.publicKey)
      for proof in publication.proofs { try head.verify(proof) }
    }
    let c1 = try #require(published.publications[2].proof(account: Self.c1))
    #expect(c1.asset == "SN1" && c1.balance.formatted(decimals: 9) == "150")
  }

  @Test func aHeadReadBackIsTheSameAndAnyChangeBreaksItsSignature() throws {
    let ledger = try ledger()
    let key = Checkpoint.generatePrivateKey()
    let head = try ledger.liabilities(assets: ["TAO", "SN1"], privateKey: key.privateKey).head
    let bytes = Array((CanonicalJSON.encode(head.jsonObject)).utf8)
    #expect(try LiabilityHead(json: bytes) == head)
    guard case .object(var members) = head.jsonObject,
      case .array(var assets) = members["assets"], case .object(var first) = assets[0]
    else { preconditionFailure("a head is an object with an array of assets") }
    first["total"] = .string("1")
    assets[0] = .object(first)
    members["assets"] = .array(assets)
    let forged = try LiabilityHead(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    let error = #expect(throws: LiabilityVerificationError.self) {
      try forged.verifySignature(trustedPublicKey: key.publicKey)
    }
    #expect(error?.level == "signature")
    #expect(throws: LiabilityVerificationError.self) {
      try head.verifySignature(trustedPublicKey: Checkpoint.generatePrivateKey().publicKey)
    }
    // Out of order or twice: refused as documents.
    members["assets"] = .array(assets.reversed())
    #expect(throws: LedgerError.self) {
      try LiabilityHead(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    }
    members["assets"] = .array([assets[1], assets[1]])
    #expect(throws: LedgerError.self) {
      try LiabilityHead(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    }
  }

  @Test func aProofOfAnotherEntryOrAnAssetTheHeadLacksFailsAtTheRoot() throws {
    let ledger = try ledger()
    let earlier = try ledger.liabilities(assets: ["TAO", "SN1"], at: 12).publications
    let head = try ledger.liabilities(assets: ["TAO", "SN1"]).head
    let old = try #require(earlier[1].proof(account: Self.c2))
    let error = #expect(throws: LiabilityVerificationError.self) { try head.verify(old) }
    #expect(error?.level == "root")
    let sn2 = try #require(
      try ledger.liabilities(asset: "SN2").proof(account: Self.c1))
    let missing = #expect(throws: LiabilityVerificationError.self) { try head.verify(sn2) }
    #expect(missing?.reason.contains("no root of SN2") == true)
    #expect(throws: LedgerError.self) { try ledger.liabilities(assets: ["TAO", "TAO"]) }
    #expect(throws: LedgerError.self) { try ledger.liabilities(assets: []) }
  }

  @Test func theHeadIsWrittenLastBesideOneFolderPerAsset() throws {
    let ledger = try ledger()
    let published = try ledger.liabilities(assets: ["TAO", "SN1"])
    let directory = NSTemporaryDirectory() + "tokenledger-head-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try published.write(to: directory)
    let head = try LiabilityHead(
      json: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/head.json"))))
    #expect(head == published.head)
    for asset in ["TAO", "SN1"] {
      let folder = directory + "/" + LiabilityHeadPublication.folderName(asset: asset)
      let root = try LiabilityRoot(
        json: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/root.json"))))
      #expect(root.unsigned == head.root(asset: asset))
      let proof = try #require(try LiabilityBundle.proof(inBundle: folder, account: Self.c2))
      try head.verify(proof)
    }
    #expect(throws: LedgerError.self) { try published.write(to: directory) }
    #expect(LiabilityHeadPublication.folderName(asset: "../x.y") == "%2E%2E%2Fx%2Ey")
  }
}
