import Crypto

/// One signed document over several assets' proofs of liabilities at the same journal entry
/// (`tokenledger-liabilities-head/1`, see docs/decisions.md): each asset — an alpha of a
/// subnet is an asset of its own — keeps its own Merkle-sum tree and `root.json`, and the head
/// lists every root with the entry and its hash, so a customer holding proofs of several
/// assets checks that they are of one state of the ledger, under one signature.
public struct LiabilityHead: Sendable, Equatable {
  /// The document's `format` field.
  public static let format = "tokenledger-liabilities-head/1"

  /// The journal entry every root is of.
  public let sequence: Int64
  /// That entry's hash.
  public let headHash: String
  /// One root per asset, sorted by asset, each with the head's sequence and hash (and no
  /// signature of its own: the head's covers them).
  public let roots: [LiabilityRoot]
  /// The Ed25519 signature, hex, when signed.
  public private(set) var signature: String?
  /// The Ed25519 key that signed it, hex, when signed.
  public private(set) var publicKey: String?

  /// The signed bytes: `format ‖ sequence ‖ headHash`, then one line per asset in the head's
  /// order, `asset decimals holders depth total root` (one space between fields, the total in
  /// canonical token units, the root in lowercase hex), all joined by `\n`.
  public var signedMessage: [UInt8] {
    let lines =
      [Self.format, String(sequence), headHash]
      + roots.map { root in
        [
          root.asset, String(root.decimals), String(root.holders), String(root.depth),
          root.total.formatted(decimals: root.decimals), HashChain.hex(root.root),
        ].joined(separator: " ")
      }
    return Array(lines.joined(separator: "\n").utf8)
  }

  /// A head over `roots`, which must all be of one entry and name distinct assets.
  init(roots unsorted: [LiabilityRoot], privateKey: String?) throws {
    guard let first = unsorted.first else {
      throw LedgerError(.invalidOperation, "liabilities: a head needs at least one asset")
    }
    precondition(
      unsorted.allSatisfy { $0.sequence == first.sequence && $0.headHash == first.headHash },
      "the roots of one head are of one entry")
    sequence = first.sequence
    headHash = first.headHash
    roots = unsorted.map(\.unsigned).sorted {
      $0.asset.utf8.lexicographicallyPrecedes($1.asset.utf8)
    }
    try Self.checkDistinct(roots)
    guard let privateKey else { return }
    (signature, publicKey) = try LiabilitySignature.sign(signedMessage, privateKey: privateKey)
  }

  private static func checkDistinct(_ roots: [LiabilityRoot]) throws {
    for (left, right) in zip(roots, roots.dropFirst()) where left.asset == right.asset {
      throw LedgerError(.invalidOperation, "\(format): asset '\(left.asset)' is listed twice")
    }
  }

  /// The root of `asset`, or `nil` when the head lists none.
  public func root(asset: String) -> LiabilityRoot? {
    roots.first { $0.asset.utf8.elementsEqual(asset.utf8) }
  }

  /// Checks a proof against the head: its asset's root (asset, decimals, entry, depth, hash
  /// and total), as ``LiabilityProof/verify(against:)`` does against a `root.json`.
  public func verify(_ proof: LiabilityProof) throws(LiabilityVerificationError) {
    guard let root = root(asset: proof.asset) else {
      throw LiabilityVerificationError(
        level: "root", reason: "the head lists no root of \(proof.asset)")
    }
    try proof.verify(against: root)
  }

  /// Checks the signature with a trusted public key (hex); throws at level `signature`.
  public func verifySignature(trustedPublicKey: String) throws(LiabilityVerificationError) {
    try LiabilitySignature.verify(
      signedMessage, signature: signature, publicKey: publicKey,
      trustedPublicKey: trustedPublicKey, what: "head")
  }

  /// The JSON form written as `head.json`.
  public var jsonObject: JSONValue {
    var members: [String: JSONValue] = [
      "format": .string(Self.format), "sequence": .number(String(sequence)),
      "headHash": .string(headHash),
      "assets": .array(
        roots.map { root in
          .object([
            "asset": .string(root.asset), "decimals": .number(String(root.decimals)),
            "holders": .number(String(root.holders)), "depth": .number(String(root.depth)),
            "total": .string(root.total.formatted(decimals: root.decimals)),
            "root": .string(HashChain.hex(root.root)),
          ])
        }),
    ]
    if let signature, let publicKey {
      members["signature"] = .string(signature)
      members["publicKey"] = .string(publicKey)
    }
    return .object(members)
  }

  /// Reads a head document; unknown or missing fields, an asset listed twice or out of order
  /// are refused.
  public init(json bytes: [UInt8]) throws {
    var document = try LiabilityDocument(bytes, format: Self.format)
    sequence = try document.integer("sequence")
    headHash = try document.string("headHash")
    guard case .array(let entries)? = document.take("assets"), !entries.isEmpty else {
      throw LedgerError(.invalidOperation, "\(Self.format): 'assets' must be a non-empty array")
    }
    var roots: [LiabilityRoot] = []
    for (position, entry) in entries.enumerated() {
      var fields = try LiabilityDocument(entry, what: "\(Self.format): assets[\(position)]")
      let asset = try fields.string("asset")
      let decimals = try fields.decimals()
      let holders = Int(try fields.integer("holders"))
      let depth = Int(try fields.integer("depth"))
      let total = try fields.amount("total", decimals: decimals, level: "top")
      let root = try fields.hex("root")
      try fields.finish()
      roots.append(
        LiabilityRoot(
          asset: asset, decimals: decimals, sequence: sequence, headHash: headHash,
          holders: holders, depth: depth, total: total, root: root))
    }
    // Strictly increasing: sorted, and no asset twice.
    for (left, right) in zip(roots, roots.dropFirst())
    where !left.asset.utf8.lexicographicallyPrecedes(right.asset.utf8) {
      throw LedgerError(
        .invalidOperation,
        "\(Self.format): 'assets' must be sorted by asset, each once ('\(right.asset)' after '\(left.asset)')"
      )
    }
    self.roots = roots
    signature = try document.optionalString("signature")
    publicKey = try document.optionalString("publicKey")
    try document.finish()
  }
}

/// The Ed25519 signing of the liability documents (a root, a head), with the checkpoint key.
enum LiabilitySignature {
  /// Signs `message` with a hex private key: the signature and the public key, hex.
  static func sign(_ message: [UInt8], privateKey: String) throws -> (String, String) {
    guard let bytes = Hex.decode(privateKey),
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
    else {
      throw LedgerError(.invalidOperation, "liabilities: the private key is not 32 bytes of hex")
    }
    return (
      HashChain.hex(try key.signature(for: message)), HashChain.hex(key.publicKey.rawRepresentation)
    )
  }

  /// Checks that `signature` over `message` is by `trustedPublicKey` and that the document
  /// names that key; throws at level `signature`.
  static func verify(
    _ message: [UInt8], signature: String?, publicKey: String?, trustedPublicKey: String,
    what: String
  ) throws(LiabilityVerificationError) {
    guard let signature, let publicKey else {
      throw LiabilityVerificationError(level: "signature", reason: "the \(what) is not signed")
    }
    guard publicKey.lowercased() == trustedPublicKey.lowercased(),
      let keyBytes = Hex.decode(trustedPublicKey),
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
    else {
      throw LiabilityVerificationError(
        level: "signature", reason: "signed by \(publicKey), not by the trusted key")
    }
    guard let signatureBytes = Hex.decode(signature),
      key.isValidSignature(signatureBytes, for: message)
    else {
      throw LiabilityVerificationError(level: "signature", reason: "the signature does not verify")
    }
  }
}
