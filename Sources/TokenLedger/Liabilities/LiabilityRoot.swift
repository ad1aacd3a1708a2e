import Crypto

/// The published root of a proof of liabilities (contract: `tokenledger-liabilities/1`): what
/// the custodian owes in one asset at one sequence, tied to the journal's head hash there, and
/// signed with the checkpoint key when one is given.
public struct LiabilityRoot: Sendable, Equatable {
  /// The document's `format` field as this build writes it: version 2 signs every field.
  public static let format = "tokenledger-liabilities/2"
  /// The first version, still read and verified: its signature covers neither `decimals`,
  /// `holders` nor `depth`.
  public static let formatOne = "tokenledger-liabilities/1"

  /// The document's format: ``format``, or ``formatOne`` for a root read from an older
  /// publication.
  public let documentFormat: String

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
  public private(set) var signature: String?
  /// The Ed25519 key that signed it, hex, if signed.
  public private(set) var publicKey: String?

  /// The signed bytes: every field of the document, `format ‖ asset ‖ decimals ‖ sequence ‖
  /// headHash ‖ holders ‖ depth ‖ total ‖ root` joined by `\n` (no trailing newline), numbers
  /// in decimal, the total in canonical token units, the root in lowercase hex. A version-1
  /// root signed `format ‖ asset ‖ sequence ‖ headHash ‖ total ‖ root` only.
  public var signedMessage: [UInt8] {
    let total = total.formatted(decimals: decimals)
    let fields =
      documentFormat == Self.formatOne
      ? [documentFormat, asset, String(sequence), headHash, total, HashChain.hex(root)]
      : [
        documentFormat, asset, String(decimals), String(sequence), headHash, String(holders),
        String(depth), total, HashChain.hex(root),
      ]
    return Array(fields.joined(separator: "\n").utf8)
  }

  init(
    asset: String, decimals: Int, sequence: Int64, headHash: String, tree: LiabilityTree,
    privateKey: String?
  ) throws {
    documentFormat = Self.format
    self.asset = asset
    self.decimals = decimals
    self.sequence = sequence
    self.headHash = headHash
    holders = tree.holderCount
    depth = tree.depth
    total = tree.total
    root = tree.rootHash
    guard let privateKey else { return }
    (signature, publicKey) = try LiabilitySignature.sign(signedMessage, privateKey: privateKey)
  }

  /// A root read from a head's list: unsigned, the head's signature covering it.
  init(
    asset: String, decimals: Int, sequence: Int64, headHash: String, holders: Int, depth: Int,
    total: Amount, root: [UInt8]
  ) {
    documentFormat = Self.format
    self.asset = asset
    self.decimals = decimals
    self.sequence = sequence
    self.headHash = headHash
    self.holders = holders
    self.depth = depth
    self.total = total
    self.root = root
  }

  /// The same root without its signature (a head signs the roots it lists).
  var unsigned: LiabilityRoot {
    var copy = self
    copy.signature = nil
    copy.publicKey = nil
    return copy
  }

  /// Checks the signature with a trusted public key (hex); throws at level `signature`.
  public func verifySignature(trustedPublicKey: String) throws(LiabilityVerificationError) {
    try LiabilitySignature.verify(
      signedMessage, signature: signature, publicKey: publicKey,
      trustedPublicKey: trustedPublicKey, what: "root")
  }

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    var members: [String: JSONValue] = [
      "format": .string(documentFormat), "asset": .string(asset),
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
    var document = try LiabilityDocument(bytes, formats: [Self.format, Self.formatOne])
    documentFormat = document.format
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
  /// The document's format, one of those it was read as.
  private(set) var format: String = ""

  init(_ bytes: [UInt8], format: String) throws {
    try self.init(bytes, formats: [format])
  }

  /// Reads a document of one of `formats` (the first is named in errors).
  init(_ bytes: [UInt8], formats: [String]) throws {
    let name = formats[0]
    guard case .object(let members) = try JSONParser.parseDocument(bytes, name: name) else {
      throw LedgerError(.invalidOperation, "\(name): not a JSON object")
    }
    self.members = members
    what = name
    guard case .string(let format)? = take("format"), formats.contains(format) else {
      throw LedgerError(.invalidOperation, "not a \(name) document (its 'format' differs)")
    }
    self.format = format
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

extension LiabilityRoot: JSONForm {
  /// Reads the JSON form back, checked as ``init(json:)`` checks a file.
  public init(jsonObject: JSONValue) throws {
    try self.init(json: Array(CanonicalJSON.encode(jsonObject).utf8))
  }
}
