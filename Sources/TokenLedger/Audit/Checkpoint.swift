import Crypto

/// A signed anchor: the sequence, head hash and state digest of a ledger at one moment, signed
/// with Ed25519 by a key the operator keeps apart from the ledger. Truncating the journal's
/// tail and recomputing the whole chain cannot be seen from inside the file; checking that the
/// ledger still extends a checkpoint can.
public struct Checkpoint: Sendable, Equatable {
  /// The document's `format` field.
  public static let format = "tokenledger-checkpoint/1"

  /// The entry signed.
  public let sequence: Int64
  /// The hash of that entry.
  public let headHash: String
  /// The state digest at that entry.
  public let stateDigest: String
  /// The signer's Ed25519 public key, hex.
  public let publicKey: String
  /// The Ed25519 signature of the signed message (format, sequence, head hash, state digest), hex.
  public let signature: String

  /// The signed bytes.
  static func message(sequence: Int64, headHash: String, stateDigest: String) -> [UInt8] {
    Array("\(format)\n\(sequence)\n\(headHash)\n\(stateDigest)\n".utf8)
  }

  /// A new private key, hex (32 bytes).
  public static func generatePrivateKey() -> (privateKey: String, publicKey: String) {
    let key = Curve25519.Signing.PrivateKey()
    return (HashChain.hex(key.rawRepresentation), HashChain.hex(key.publicKey.rawRepresentation))
  }

  /// Signs the ledger's current head with a hex private key.
  public static func sign(_ ledger: Ledger, privateKey: String) throws -> Checkpoint {
    guard let bytes = Hex.decode(privateKey),
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
    else {
      throw LedgerError(.invalidOperation, "checkpoint: the private key is not 32 bytes of hex")
    }
    let summary = try ledger.summary()
    let signature = try key.signature(
      for: message(
        sequence: summary.entries, headHash: summary.headHash, stateDigest: summary.stateDigest))
    return Checkpoint(
      sequence: summary.entries, headHash: summary.headHash, stateDigest: summary.stateDigest,
      publicKey: HashChain.hex(key.publicKey.rawRepresentation), signature: HashChain.hex(signature)
    )
  }

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    .object([
      "format": .string(Self.format), "sequence": .number(String(sequence)),
      "headHash": .string(headHash),
      "stateDigest": .string(stateDigest), "publicKey": .string(publicKey),
      "signature": .string(signature),
    ])
  }

  /// A checkpoint from its fields (reading one back).
  public init(
    sequence: Int64, headHash: String, stateDigest: String, publicKey: String, signature: String
  ) {
    self.sequence = sequence
    self.headHash = headHash
    self.stateDigest = stateDigest
    self.publicKey = publicKey
    self.signature = signature
  }

  /// Reads a checkpoint file's JSON.
  public init(json bytes: [UInt8]) throws {
    guard let object = try? JSONParser.parse(bytes).objectValue,
      object["format"] == .string(Self.format),
      case .number(let sequenceText)? = object["sequence"], let sequence = Int64(sequenceText),
      let head = object["headHash"]?.stringValue, let digest = object["stateDigest"]?.stringValue,
      let key = object["publicKey"]?.stringValue, let signature = object["signature"]?.stringValue
    else { throw LedgerError(.invalidOperation, "checkpoint: not a \(Self.format) document") }
    self.init(
      sequence: sequence, headHash: head, stateDigest: digest, publicKey: key, signature: signature)
  }

  /// Why this checkpoint does not hold for `ledger` under the trusted `publicKey`, or nil when
  /// the signature is valid and the ledger still extends it (its entry `sequence` has the
  /// signed hash and, at that same head, the same state digest).
  public func problem(in ledger: Ledger, trustedPublicKey: String) throws -> String? {
    guard let keyBytes = Hex.decode(trustedPublicKey),
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
    else { return "the trusted public key is not 32 bytes of hex" }
    guard let signatureBytes = Hex.decode(signature),
      key.isValidSignature(
        signatureBytes,
        for: Self.message(sequence: sequence, headHash: headHash, stateDigest: stateDigest))
    else { return "the signature does not verify with the trusted key" }
    let summary = try ledger.summary()
    guard summary.entries >= sequence else {
      return
        "the ledger has \(summary.entries) entries, fewer than the checkpoint's \(sequence): its tail was cut"
    }
    let stored = try ledger.read { journal in
      try journal.database.storedHashHex(ofEntry: sequence)
    }
    guard stored == headHash else {
      return
        "entry \(sequence) hashes to \(stored ?? "nothing"), not the checkpoint's \(headHash): the journal was rewritten"
    }
    if summary.entries == sequence && summary.stateDigest != stateDigest {
      return "the state digest is \(summary.stateDigest), not the checkpoint's \(stateDigest)"
    }
    return nil
  }
}

/// Hex text to bytes.
enum Hex {
  static func decode(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    func value(_ digit: UInt8) -> UInt8? {
      switch digit {
      case 48...57: digit - 48
      case 97...102: digit - 87
      case 65...70: digit - 55
      default: nil
      }
    }
    for index in stride(from: 0, to: digits.count, by: 2) {
      guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
    }
    return bytes
  }
}

extension Ledger {
  /// Whether an entry with this hash is in the journal (the ledger extends that anchor).
  public func containsEntry(hash: String) throws -> Bool {
    guard let bytes = HashChain.bytes(validHex: hash) else { return false }
    return try read { journal in
      try journal.database.containsEntry(hash: bytes)
    }
  }
}

extension Checkpoint: JSONForm {
  /// Reads the JSON form back, checked as ``init(json:)`` checks a file.
  public init(jsonObject: JSONValue) throws {
    try self.init(json: Array(CanonicalJSON.encode(jsonObject).utf8))
  }
}
