import Crypto

/// Why a liability proof does not verify: the first level that fails (`leaf`, `level k`,
/// `top`, `signature`) and what failed there.
public struct LiabilityVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Where verification failed: `leaf`, `level k`, `top`, `root`, `signature` or `document`.
  public let level: String
  /// What did not match there.
  public let reason: String
  /// `level: reason`.
  public var description: String { "\(level): \(reason)" }

  /// A failure at a level.
  public init(level: String, reason: String) {
    self.level = level
    self.reason = reason
  }
}

/// One customer's inclusion proof (contract: `tokenledger-liability-proof/1`): its account,
/// salt and balance make its leaf; the path gives the sibling of each node up to the root.
/// It verifies itself, without a ledger:
///
/// ```swift
/// let proof = try LiabilityProof(json: bytes)
/// try proof.verify(against: root)  // throws LiabilityVerificationError naming the level
/// ```
public struct LiabilityProof: Sendable, Equatable {
  /// The document's `format` field.
  public static let format = "tokenledger-liability-proof/1"

  /// A sibling on the path.
  public struct Node: Sendable, Equatable {
    /// The sibling's hash.
    public let hash: [UInt8]
    /// The sibling's sum of balances.
    public let sum: Amount
  }

  /// The asset whose liabilities are proved.
  public let asset: String
  /// The asset's decimals, to read amounts.
  public let decimals: Int
  /// The journal entry the publication is of.
  public let sequence: Int64
  /// The customer's account.
  public let account: String
  /// The leaf's 32-byte salt, fresh for every publication.
  public let salt: [UInt8]
  /// The customer's total holding (every bucket) at ``sequence``.
  public let balance: Amount
  /// The leaf's position (commitment order), which fixes left and right on the path.
  public let index: Int
  /// The siblings from the leaf up to the root.
  public let path: [Node]
  /// The root hash the path must reach.
  public let root: [UInt8]
  /// The root's total: what the custodian owes in all.
  public let total: Amount

  /// Folds the path from the leaf and checks that it ends at this proof's root and total;
  /// every sum must stay below 2^128.
  public func verify() throws(LiabilityVerificationError) {
    guard salt.count == 32 else {
      throw LiabilityVerificationError(level: "leaf", reason: "salt is not 32 bytes")
    }
    guard path.count < Int.bitWidth - 1, index >= 0, index < 1 << path.count else {
      throw LiabilityVerificationError(
        level: "leaf", reason: "index \(index) is not a leaf of a tree \(path.count) levels deep")
    }
    let commitment = LiabilityTree.commitment(account: account, salt: salt)
    var hash = LiabilityTree.leafHash(commitment: commitment, balance: balance)
    var sum = balance.baseUnits
    for (level, sibling) in path.enumerated() {
      guard sibling.hash.count == 32 else {
        throw LiabilityVerificationError(level: "level \(level)", reason: "hash is not 32 bytes")
      }
      let isLeft = (index >> level) & 1 == 0
      hash =
        isLeft
        ? LiabilityTree.nodeHash(
          left: hash, leftSum: sum, right: sibling.hash, rightSum: sibling.sum.baseUnits)
        : LiabilityTree.nodeHash(
          left: sibling.hash, leftSum: sibling.sum.baseUnits, right: hash, rightSum: sum)
      let (next, overflow) = sum.addingReportingOverflow(sibling.sum.baseUnits)
      guard !overflow else {
        throw LiabilityVerificationError(level: "level \(level)", reason: "sum overflows 128 bits")
      }
      sum = next
    }
    guard hash == root else {
      throw LiabilityVerificationError(level: "top", reason: "hash differs from the root")
    }
    guard sum == total.baseUnits else {
      throw LiabilityVerificationError(level: "top", reason: "sum differs from the total")
    }
  }

  /// Verifies the proof and that it belongs to `publication` (same asset, decimals,
  /// sequence, root and total).
  public func verify(against publication: LiabilityRoot) throws(LiabilityVerificationError) {
    guard asset == publication.asset, decimals == publication.decimals,
      sequence == publication.sequence
    else {
      throw LiabilityVerificationError(
        level: "root", reason: "asset, decimals or sequence differ from the proof's")
    }
    guard path.count == publication.depth else {
      throw LiabilityVerificationError(
        level: "root",
        reason:
          "the root says depth \(publication.depth), the proof's path has \(path.count) levels")
    }
    try verify()
    guard root == publication.root else {
      throw LiabilityVerificationError(level: "top", reason: "hash differs from the root")
    }
    guard total == publication.total else {
      throw LiabilityVerificationError(level: "top", reason: "sum differs from the root's total")
    }
  }

  /// Verifies the proof against a root hash given alone (hex from a published root).
  public func verify(rootHash: [UInt8]) throws(LiabilityVerificationError) {
    try verify()
    guard root == rootHash else {
      throw LiabilityVerificationError(level: "top", reason: "hash differs from the root")
    }
  }

  /// The proof's JSON document.
  public var jsonObject: JSONValue {
    .object([
      "format": .string(Self.format), "asset": .string(asset),
      "decimals": .number(String(decimals)), "sequence": .number(String(sequence)),
      "account": .string(account), "salt": .string(HashChain.hex(salt)),
      "balance": .string(balance.formatted(decimals: decimals)),
      "index": .number(String(index)),
      "path": .array(
        path.map {
          .object([
            "hash": .string(HashChain.hex($0.hash)),
            "sum": .string($0.sum.formatted(decimals: decimals)),
          ])
        }),
      "root": .string(HashChain.hex(root)), "total": .string(total.formatted(decimals: decimals)),
    ])
  }

  /// The canonical JSON text of ``jsonObject`` written directly (keys in byte order), for
  /// publishing a million proofs without building a million dictionaries.
  /// The proof document as the bundle and the per-holder files hold it: canonical JSON, one line.
  public var canonicalText: String {
    var bytes: [UInt8] = []
    canonicalBytes(into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  private static let hexDigits: StaticString = "0123456789abcdef"

  func canonicalBytes(into output: inout [UInt8]) {
    func key(_ name: String, first: Bool = false) {
      if !first { output.append(UInt8(ascii: ",")) }
      output.append(UInt8(ascii: "\""))
      output += name.utf8
      output += "\":".utf8
    }
    func hexString(_ bytes: [UInt8]) {
      output.append(UInt8(ascii: "\""))
      Self.hexDigits.withUTF8Buffer { digits in
        for byte in bytes {
          output.append(digits[Int(byte >> 4)])
          output.append(digits[Int(byte & 0x0F)])
        }
      }
      output.append(UInt8(ascii: "\""))
    }
    output.append(UInt8(ascii: "{"))
    key("account", first: true)
    CanonicalJSON.writeString(account, to: &output)
    key("asset")
    CanonicalJSON.writeString(asset, to: &output)
    key("balance")
    CanonicalJSON.writeString(balance.formatted(decimals: decimals), to: &output)
    key("decimals")
    output += String(decimals).utf8
    key("format")
    CanonicalJSON.writeString(Self.format, to: &output)
    key("index")
    output += String(index).utf8
    key("path")
    output.append(UInt8(ascii: "["))
    for (offset, node) in path.enumerated() {
      if offset > 0 { output.append(UInt8(ascii: ",")) }
      output.append(UInt8(ascii: "{"))
      key("hash", first: true)
      hexString(node.hash)
      key("sum")
      CanonicalJSON.writeString(node.sum.formatted(decimals: decimals), to: &output)
      output.append(UInt8(ascii: "}"))
    }
    output.append(UInt8(ascii: "]"))
    key("root")
    hexString(root)
    key("salt")
    hexString(salt)
    key("sequence")
    output += String(sequence).utf8
    key("total")
    CanonicalJSON.writeString(total.formatted(decimals: decimals), to: &output)
    output.append(UInt8(ascii: "}"))
  }

  /// Reads a proof document. A document that is not a proof is `invalidOperation`; a sum
  /// that does not fit in 128 bits is a verification failure at its level.
  public init(json bytes: [UInt8]) throws {
    var document = try LiabilityDocument(bytes, format: Self.format)
    asset = try document.string("asset")
    decimals = try document.decimals()
    sequence = try document.integer("sequence")
    account = try document.string("account")
    salt = try document.hex("salt")
    balance = try document.amount("balance", decimals: decimals, level: "leaf")
    index = Int(try document.integer("index"))
    guard case .array(let items)? = document.take("path") else {
      throw LedgerError(.invalidOperation, "liability proof: 'path' must be an array")
    }
    var nodes: [Node] = []
    for (level, item) in items.enumerated() {
      var node = try LiabilityDocument(item, what: "path[\(level)]")
      nodes.append(
        Node(
          hash: try node.hex("hash"),
          sum: try node.amount("sum", decimals: decimals, level: "level \(level)")))
      try node.finish()
    }
    path = nodes
    root = try document.hex("root")
    total = try document.amount("total", decimals: decimals, level: "top")
    try document.finish()
  }

  init(
    tree: LiabilityTree, index: Int, asset: String, decimals: Int, sequence: Int64
  ) {
    self.asset = asset
    self.decimals = decimals
    self.sequence = sequence
    account = tree.accounts[index]
    salt = tree.salt(index)
    balance = Amount(baseUnits: tree.balances[index])
    self.index = index
    path = tree.path(index: index)
    root = tree.rootHash
    total = tree.total
  }

  /// The proof's file name: the SHA-256 of the account, so that names reveal nothing readable.
  public static func fileName(account: String) -> String {
    HashChain.hex(SHA256.hash(data: Array(account.utf8))) + ".json"
  }
}

extension LiabilityProof: JSONForm {
  /// Reads the JSON form back, checked as ``init(json:)`` checks a file.
  public init(jsonObject: JSONValue) throws {
    try self.init(json: Array(CanonicalJSON.encode(jsonObject).utf8))
  }
}
