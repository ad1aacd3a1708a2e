import Crypto
import Testing

@testable import TokenLedger

/// The proof of liabilities holds what the contract promises: the root's total is what the
/// holders hold; every holder has exactly one proof and every proof verifies; any change of
/// one field of a proof fails at a named level; sums cannot hide a customer; salts are fresh.
@Suite struct LiabilityTests {
  /// Holders with available, staked and rewards buckets, one emptied, and system accounts.
  func ledger() throws -> Ledger {
    let ledger = try makeLedger()
    var lines = [
      anyAsset,
      #"{"op":"registerValidator","asset":"TOK","validator":"v","operator":"op","commission":"0.1"}"#,
    ]
    for index in 0..<13 {
      lines.append(#"{"op":"mint","asset":"TOK","to":"h\#(index)","amount":"\#(index + 1).25"}"#)
    }
    lines += [
      #"{"op":"delegate","asset":"TOK","delegator":"h3","validator":"v","amount":"2"}"#,
      #"{"op":"reward","asset":"TOK","validator":"v","amount":"1"}"#,
      #"{"op":"transfer","asset":"TOK","from":"h0","to":"h1","amount":"1.25"}"#,
      #"{"op":"burn","asset":"TOK","from":"h2","amount":"1"}"#,
    ]
    try ledger.apply(jsonLines: lines)
    return ledger
  }

  @Test func theRootsTotalIsWhatTheHoldersHoldAndEachHasOneProof() throws {
    let ledger = try ledger()
    let publication = try ledger.liabilities(asset: "TOK")
    let rows = try ledger.balances(asset: "TOK")
    let holders = rows.filter { $0.total != .zero }
    let sum = holders.reduce(UInt128(0)) { $0 + $1.total.magnitude }
    #expect(publication.root.total.baseUnits == sum)
    #expect(publication.root.total == (try ledger.totalSupply(asset: "TOK")), "no system holds TOK")
    #expect(publication.root.holders == holders.count)
    #expect(holders.count == 13, "h0 emptied, op earned commission")
    let accounts = publication.proofs.map { $0.account }.sorted()
    #expect(accounts == holders.map { $0.account }.sorted(), "one proof per non-zero holder")
    #expect(publication.proof(account: "h0") == nil)
    let h3 = try #require(publication.proof(account: "h3"))
    #expect(h3.balance == rows.first { $0.account == "h3" }!.total.amount)
    let entries = try ledger.summary().entries
    #expect(publication.root.depth == 4 && publication.root.sequence == entries)
    for proof in publication.proofs { try proof.verify(against: publication.root) }
  }

  @Test func changingAnyFieldOfAProofFailsAtANamedLevel() throws {
    let publication = try ledger().liabilities(asset: "TOK")
    let proof = publication.proof(index: 5)
    func changed(_ body: (inout [String: JSONValue]) -> Void) throws -> LiabilityProof {
      guard case .object(var members) = proof.jsonObject else { preconditionFailure() }
      body(&members)
      return try LiabilityProof(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    }
    func path(
      _ body: @escaping (inout [String: JSONValue]) -> Void
    ) -> (inout [String: JSONValue]) -> Void {
      { members in
        guard case .array(var nodes)? = members["path"], case .object(var node) = nodes[2] else {
          return
        }
        body(&node)
        nodes[2] = .object(node)
        members["path"] = .array(nodes)
      }
    }
    let oneUnitMore = proof.balance.adding(Amount(baseUnits: 1))!.formatted(decimals: 6)
    let flipped = HashChain.hex(proof.salt.map { $0 ^ 1 })
    let otherHash = HashChain.hex([UInt8](repeating: 7, count: 32))
    let tampered: [(String, (inout [String: JSONValue]) -> Void)] = [
      ("top", { members in members["balance"] = JSONValue.string(oneUnitMore) }),
      ("top", { members in members["salt"] = JSONValue.string(flipped) }),
      ("top", { members in members["index"] = JSONValue.number("4") }),
      ("leaf", { members in members["index"] = JSONValue.number("16") }),
      ("top", path { node in node["hash"] = JSONValue.string(otherHash) }),
      ("top", path { node in node["sum"] = JSONValue.string("0.000001") }),
      ("top", { members in members["root"] = JSONValue.string(otherHash) }),
      ("top", { members in members["total"] = JSONValue.string("1") }),
    ]
    for (level, change) in tampered {
      let copy = try changed(change)
      let error = #expect(throws: LiabilityVerificationError.self) {
        try copy.verify(against: publication.root)
      }
      #expect(error?.level == level, "\(String(describing: error))")
    }
  }

  /// A builder that hides a customer must give a sibling a sum that makes the parent add up:
  /// negative sums cannot be written, and sums that wrap past 2^128 fail where they wrap.
  @Test func sumsThatOverflowOrGoNegativeCannotVerify() throws {
    let proof = try ledger().liabilities(asset: "TOK").proof(index: 0)
    guard case .object(var members) = proof.jsonObject,
      case .array(var nodes) = members["path"]!, case .object(var node) = nodes[0]
    else { preconditionFailure() }
    node["sum"] = .string(Amount.max.formatted(decimals: 6))
    nodes[0] = .object(node)
    members["path"] = .array(nodes)
    let wrapped = try LiabilityProof(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    let error = #expect(throws: LiabilityVerificationError.self) { try wrapped.verify() }
    #expect(error?.level == "level 0")
    #expect(error?.reason == "sum overflows 128 bits")
    node["sum"] = .string("-1")
    nodes[0] = .object(node)
    members["path"] = .array(nodes)
    #expect(throws: LedgerError.self) {
      try LiabilityProof(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    }
    node["sum"] = .string("340282366920938463463374607431768.211456")
    nodes[0] = .object(node)
    members["path"] = .array(nodes)
    let past = #expect(throws: LiabilityVerificationError.self) {
      try LiabilityProof(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    }
    #expect(past?.level == "level 0")
  }

  @Test func saltsAreFreshForEveryPublicationAndNamesRevealNothing() throws {
    let ledger = try ledger()
    let first = try ledger.liabilities(asset: "TOK")
    let second = try ledger.liabilities(asset: "TOK")
    #expect(first.root.root != second.root.root)
    #expect(first.root.total == second.root.total)
    let a = try #require(first.proof(account: "h7"))
    let b = try #require(second.proof(account: "h7"))
    #expect(a.salt != b.salt)
    #expect(Set(first.proofs.map { $0.salt }).count == first.root.holders)
    let name = LiabilityProof.fileName(account: "h7")
    #expect(name == HashChain.hex(SHA256.hash(data: Array("h7".utf8))) + ".json")
    #expect(!name.contains("h7"))
  }

  @Test func aSignedRootVerifiesOnlyWithItsKeyAndItsFields() throws {
    let ledger = try ledger()
    let key = Checkpoint.generatePrivateKey()
    let publication = try ledger.liabilities(asset: "TOK", privateKey: key.privateKey)
    try publication.root.verifySignature(trustedPublicKey: key.publicKey)
    let other = Checkpoint.generatePrivateKey()
    #expect(throws: LiabilityVerificationError.self) {
      try publication.root.verifySignature(trustedPublicKey: other.publicKey)
    }
    guard case .object(var members) = publication.root.jsonObject else { preconditionFailure() }
    members["total"] = .string("1")
    let forged = try LiabilityRoot(json: Array(CanonicalJSON.encode(.object(members)).utf8))
    let error = #expect(throws: LiabilityVerificationError.self) {
      try forged.verifySignature(trustedPublicKey: key.publicKey)
    }
    #expect(error?.level == "signature")
  }

  @Test func aPublicationAtAnEarlierEntryUsesThatState() throws {
    let ledger = try ledger()
    try ledger.apply(jsonLines: [#"{"op":"mint","asset":"TOK","to":"late","amount":"1000"}"#])
    let head = try ledger.summary().entries
    let earlier = try ledger.liabilities(asset: "TOK", at: head - 1)
    let now = try ledger.liabilities(asset: "TOK")
    #expect(now.root.total.baseUnits == earlier.root.total.baseUnits + 1_000_000_000)
    #expect(earlier.proof(account: "late") == nil)
    #expect(earlier.root.sequence == head - 1)
    #expect(earlier.root.headHash != now.root.headHash)
    #expect(throws: LedgerError.self) { try ledger.liabilities(asset: "TOK", at: head + 1) }
    #expect(throws: LedgerError.self) { try ledger.liabilities(asset: "NOPE") }
  }

  @Test func anEmptyAssetHasOnePaddingLeafAndATotalOfZero() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    let publication = try ledger.liabilities(asset: "TOK")
    #expect(publication.root.holders == 0)
    #expect(publication.root.depth == 0)
    #expect(publication.root.total == .zero)
    #expect(
      publication.root.root
        == LiabilityTree.leafHash(commitment: [UInt8](repeating: 0, count: 32), balance: .zero))
  }

  /// The proofs are written by a direct encoder: its bytes are the canonical JSON of the
  /// proof's document, which reads back to the same proof.
  @Test func theFastEncoderWritesTheCanonicalDocument() throws {
    let publication = try ledger().liabilities(asset: "TOK")
    for proof in publication.proofs {
      var bytes: [UInt8] = []
      proof.canonicalBytes(into: &bytes)
      #expect(String(decoding: bytes, as: UTF8.self) == CanonicalJSON.encode(proof.jsonObject))
      #expect(try LiabilityProof(json: bytes) == proof)
    }
  }
}
