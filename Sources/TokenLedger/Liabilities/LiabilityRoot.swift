import Crypto

/// The published root of a proof of liabilities (contract: `tokenledger-liabilities/1`): what
/// the custodian owes in one asset at one sequence, tied to the journal's head hash there, and
/// signed with the checkpoint key when one is given.
public struct LiabilityRoot: Sendable, Equatable {
  /// The document's `format` field.
  public static let format = "tokenledger-liabilities/1"

  /// The asset owed.
  public let asset: String
  /// The asset's decimals, to read amounts.
  public let decimals: Int
  /// The journal entry the publication is of.
  public let sequence: Int64
  /// That entry's hash, tying the root to the journal.
  public let headHash: String
  /// Holders with a non-zero total (padding leaves not counted).
  public let holders: Int
  /// Levels above the leaves: the padded leaf count is 2^depth.
  public let depth: Int
  /// What is owed in all: the sum of every holder's total.
  public let total: Amount
  /// The Merkle-sum tree's root hash.
  public let root: [UInt8]
  /// Ed25519 signature and public key, hex, when signed.
  public let signature: String?
  /// The Ed25519 key that signed it, hex, if signed.
  public let publicKey: String?

  /// The signed bytes: `format ‖ asset ‖ sequence ‖ headHash ‖ total ‖ root` joined by `\n`
  /// (no trailing newline), the sequence in decimal, the total in canonical token units, the
  /// root in lowercase hex.
  public var signedMessage: [UInt8] {
    Self.message(
      asset: asset, sequence: sequence, headHash: headHash,
      total: total.formatted(decimals: decimals), root: root)
  }

  static func message(
    asset: String, sequence: Int64, headHash: String, total: String, root: [UInt8]
  ) -> [UInt8] {
    Array(
      [Self.format, asset, String(sequence), headHash, total, HashChain.hex(root)]
        .joined(separator: "\n").utf8)
  }

  init(
    asset: String, decimals: Int, sequence: Int64, headHash: String, tree: LiabilityTree,
    privateKey: String?
  ) throws {
    self.asset = asset
    self.decimals = decimals
    self.sequence = sequence
    self.headHash = headHash
    holders = tree.holderCount
    depth = tree.depth
    total = tree.total
    root = tree.rootHash
    guard let privateKey else {
      signature = nil
      publicKey = nil
      return
    }
    guard let bytes = Hex.decode(privateKey),
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
    else {
      throw LedgerError(.invalidOperation, "liabilities: the private key is not 32 bytes of hex")
    }
    let message = Self.message(
      asset: asset, sequence: sequence, headHash: headHash,
      total: tree.total.formatted(decimals: decimals), root: tree.rootHash)
    signature = HashChain.hex(try key.signature(for: message))
    publicKey = HashChain.hex(key.publicKey.rawRepresentation)
  }

  /// Checks the signature with a trusted public key (hex); throws at level `signature`.
  public func verifySignature(trustedPublicKey: String) throws(LiabilityVerificationError) {
    guard let signature, let publicKey else {
      throw LiabilityVerificationError(level: "signature", reason: "the root is not signed")
    }
    guard publicKey.lowercased() == trustedPublicKey.lowercased(),
      let keyBytes = Hex.decode(trustedPublicKey),
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
    else {
      throw LiabilityVerificationError(
        level: "signature", reason: "signed by \(publicKey), not by the trusted key")
    }
    guard let signatureBytes = Hex.decode(signature),
      key.isValidSignature(signatureBytes, for: signedMessage)
    else {
      throw LiabilityVerificationError(level: "signature", reason: "the signature does not verify")
    }
  }

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    var members: [String: JSONValue] = [
      "format": .string(Self.format), "asset": .string(asset),
      "decimals": .number(String(decimals)), "sequence": .number(String(sequence)),
      "headHash": .string(headHash), "holders": .number(String(holders)),
      "depth": .number(String(depth)), "total": .string(total.formatted(decimals: decimals)),
      "root": .string(HashChain.hex(root)),
    ]
    if let signature, let publicKey {
      members["signature"] = .string(signature)
      members["publicKey"] = .string(publicKey)
    }
    return .object(members)
  }

  /// Reads a root document.
  public init(json bytes: [UInt8]) throws {
    var document = try LiabilityDocument(bytes, format: Self.format)
    asset = try document.string("asset")
    decimals = try document.decimals()
    sequence = try document.integer("sequence")
    headHash = try document.string("headHash")
    holders = Int(try document.integer("holders"))
    depth = Int(try document.integer("depth"))
    total = try document.amount("total", decimals: decimals, level: "top")
    root = try document.hex("root")
    signature = try document.optionalString("signature")
    publicKey = try document.optionalString("publicKey")
    try document.finish()
  }
}

/// Reads the fields of a liability document, refusing unknown or missing ones.
struct LiabilityDocument {
  private var members: [String: JSONValue]
  private let what: String

  init(_ bytes: [UInt8], format: String) throws {
    guard case .object(let members) = try JSONParser.parseDocument(bytes, name: format) else {
      throw LedgerError(.invalidOperation, "\(format): not a JSON object")
    }
    self.members = members
    what = format
    guard case .string(format)? = take("format") else {
      throw LedgerError(.invalidOperation, "not a \(format) document (its 'format' differs)")
    }
  }

  init(_ value: JSONValue, what: String) throws {
    guard case .object(let members) = value else {
      throw LedgerError(.invalidOperation, "\(what) is not a JSON object")
    }
    self.members = members
    self.what = what
  }

  mutating func take(_ key: String) -> JSONValue? { members.removeValue(forKey: key) }

  mutating func string(_ key: String) throws -> String {
    guard case .string(let text)? = take(key) else {
      throw LedgerError(.invalidOperation, "\(what): '\(key)' must be a string")
    }
    return text
  }

  mutating func optionalString(_ key: String) throws -> String? {
    guard members[key] != nil else { return nil }
    return try string(key)
  }

  mutating func integer(_ key: String) throws -> Int64 {
    guard case .number(let text)? = take(key), let value = Int64(text), value >= 0 else {
      throw LedgerError(.invalidOperation, "\(what): '\(key)' must be a non-negative integer")
    }
    return value
  }

  mutating func decimals() throws -> Int {
    let value = try integer("decimals")
    guard value <= Int64(Limits.decimalsMax) else {
      throw LedgerError(.invalidOperation, "\(what): 'decimals' is above \(Limits.decimalsMax)")
    }
    return Int(value)
  }

  mutating func hex(_ key: String) throws -> [UInt8] {
    let text = try string(key)
    guard let bytes = Hex.decode(text), bytes.count == 32 else {
      throw LedgerError(.invalidOperation, "\(what): '\(key)' must be 32 bytes of hex")
    }
    return bytes
  }

  /// An amount in token units; one past 2^128 − 1 is a verification failure at `level`.
  mutating func amount(_ key: String, decimals: Int, level: String) throws -> Amount {
    let text = try string(key)
    do {
      return try Amount(parsing: text, decimals: decimals)
    } catch let error where error.code == .amountOverflow {
      throw LiabilityVerificationError(level: level, reason: "\(key) overflows 128 bits")
    } catch {
      throw LedgerError(error.code, "\(what): '\(key)': \(error.message)")
    }
  }

  func finish() throws {
    if let extra = members.keys.sorted().first {
      throw LedgerError(.invalidOperation, "\(what): unknown field '\(extra)'")
    }
  }
}
