import Crypto

/// The journal's hash chain: `hash[n] = SHA-256(hash[n-1] || canonical bytes of entry n and its
/// postings)`, starting from 32 zero bytes. Every field is length-prefixed, so no two different
/// entries share canonical bytes whatever characters their names hold.
public enum HashChain {
  /// The hash the first entry chains from.
  public static let genesis = String(repeating: "0", count: 64)

  struct EntryFields {
    let sequence: Int64
    let idempotencyId: String?
    let kind: String
    let asset: String?
    let payload: String?
    let clock: Clock
  }

  /// The hash of an entry chained after `previous`, from the fields a ledger stores (and
  /// `history`/`export` show): what the journal writes and the audit recomputes, so that anyone
  /// holding the rows can verify a chain without this library's database. `payload` is the
  /// stored one: in format 2 without the id, and nil for a transfer its posting states (see
  /// ``JournalFormat``).
  public static func entryHash(
    format: JournalFormat = .one, previous: String, sequence: Int64, idempotencyId: String?,
    kind: String, asset: String?, payload: String?, height: Int64?, time: Int64?,
    postings: [Posting]
  ) -> String {
    hex(
      digest(
        format: format, previous: previous,
        entry: EntryFields(
          sequence: sequence, idempotencyId: idempotencyId, kind: kind, asset: asset,
          payload: payload, clock: Clock(height: height, time: time)),
        postings: postings))
  }

  /// The canonical bytes' first field: the format and its version.
  static let domain = "tokenledger-entry/1"
  /// The first field of format 2's canonical bytes.
  static let domain2 = "tokenledger-entry/2"

  static func digest(
    format: JournalFormat, previous: String, entry: EntryFields, postings: [Posting]
  )
    -> SHA256Digest
  {
    guard format == .one else {
      return format2Digest(
        previous: bytes(hex: previous), sequence: entry.sequence,
        fieldsAfterSequence: fieldsAfterSequence(of: entry, postings: postings))
    }
    var canonical = CanonicalBytes(
      capacity: 256 + (entry.payload?.utf8.count ?? 0) + postings.count * 128)
    canonical.field(domain)
    canonical.field(previous)
    canonical.field(integer: entry.sequence)
    canonical.appendFields(of: entry, postings: postings)
    return canonical.digest()
  }

  /// A format-2 entry's hash from its parts: the previous hash's 32 bytes, the sequence number,
  /// and the canonical bytes after it (``fieldsAfterSequence(of:postings:)``).
  static func format2Digest(previous: [UInt8], sequence: Int64, fieldsAfterSequence: [UInt8])
    -> SHA256Digest
  {
    precondition(previous.count == 32, "a previous hash is 32 bytes")
    var canonical = CanonicalBytes(capacity: 64 + fieldsAfterSequence.count)
    canonical.append(bytes: format2Prefix)
    canonical.append(bytes: previous)
    canonical.field(integer: sequence)
    canonical.append(bytes: fieldsAfterSequence)
    return canonical.digest()
  }

  /// Format 2's canonical bytes before the previous hash: the domain field, then the length
  /// prefix of the 32-byte previous hash. A format-2 entry's bytes are these, the previous
  /// hash, the sequence field, then ``fieldsAfterSequence(of:postings:)``: what a database
  /// that numbers and chains an entry itself puts together (``Journal`` on PostgreSQL).
  static let format2Prefix: [UInt8] = {
    var canonical = CanonicalBytes(capacity: 32)
    canonical.field(domain2)
    canonical.append(bytes: Array("32:".utf8))
    return canonical.bytes
  }()

  /// An entry's canonical bytes after its sequence number (any format).
  static func fieldsAfterSequence(of entry: EntryFields, postings: [Posting]) -> [UInt8] {
    var canonical = CanonicalBytes(
      capacity: 128 + (entry.payload?.utf8.count ?? 0) + postings.count * 128)
    canonical.appendFields(of: entry, postings: postings)
    return canonical.bytes
  }

  /// 64 lowercase hex digits → 32 bytes; nil for any other text (a hash a user typed).
  static func bytes(validHex text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count == 64,
      utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
    else { return nil }
    return bytes(hex: text)
  }

  /// 64 hex digits (a hash as shown) → its 32 bytes. Only for hashes this library wrote.
  static func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count == 64, "a hash is 64 hex digits")
    func value(_ digit: UInt8) -> UInt8 {
      switch digit {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
      default: preconditionFailure("a hash is lowercase hex digits")
      }
    }
    return (0..<32).map { value(digits[2 * $0]) << 4 | value(digits[2 * $0 + 1]) }
  }

  /// The canonical bytes of an entry, built field by field: `<byte count>:<bytes>` for a value,
  /// `-` for nil, integers in decimal. Apply builds them from values, audit from the stored
  /// columns' bytes; both go through these functions, so the two cannot drift apart.
  struct CanonicalBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func field(_ text: String?) {
      guard var text else {
        bytes.append(UInt8(ascii: "-"))
        return
      }
      text.withUTF8 { field($0) }
    }

    mutating func field(_ utf8: UnsafeBufferPointer<UInt8>?) {
      guard let utf8 else {
        bytes.append(UInt8(ascii: "-"))
        return
      }
      HashChain.appendDecimal(utf8.count, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      bytes.append(contentsOf: utf8)
    }

    mutating func field(integer: Int64?) {
      guard let integer else {
        bytes.append(UInt8(ascii: "-"))
        return
      }
      guard integer >= 0 else {
        field(String(integer))
        return
      }
      var digits = 1
      var probe = integer
      while probe >= 10 {
        probe /= 10
        digits += 1
      }
      HashChain.appendDecimal(digits, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      HashChain.appendDecimal(Int(integer), to: &bytes)
    }

    mutating func account(_ account: Account) {
      field(account.holder)
      field(account.bucket.kind.rawValue)
      field(account.bucket.validatorColumn)
      field(account.bucket.detailColumn)
    }

    /// The fields after the sequence number: id, kind, asset, payload, clock, postings.
    mutating func appendFields(of entry: EntryFields, postings: [Posting]) {
      field(entry.idempotencyId)
      field(entry.kind)
      field(entry.asset)
      field(entry.payload)
      field(integer: entry.clock.height)
      field(integer: entry.clock.time)
      field(integer: Int64(postings.count))
      for posting in postings {
        field(posting.asset)
        account(posting.from)
        account(posting.to)
        field(posting.amount.description)
      }
    }

    /// Appends fields encoded earlier (``bytes`` of another writer).
    mutating func append(bytes encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    func digest() -> SHA256Digest { SHA256.hash(data: bytes) }
  }

  /// A non-negative integer's decimal digits, without building a String (this runs for every
  /// field of every entry, on apply and on audit).
  static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
    precondition(value >= 0, "lengths and counts are non-negative")
    var length = 1
    var probe = value
    while probe >= 10 {
      probe /= 10
      length += 1
    }
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: length))
    var rest = value
    for index in stride(from: start + length - 1, through: start, by: -1) {
      bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
      rest /= 10
    }
  }

  /// Writes a digest's 64 lowercase hex digits into `output` (64 bytes long).
  static func hexDigits(_ digest: some Sequence<UInt8>, into output: inout [UInt8]) {
    let digits: StaticString = "0123456789abcdef"
    var index = 0
    digits.withUTF8Buffer { digits in
      for byte in digest {
        output[index] = digits[Int(byte >> 4)]
        output[index + 1] = digits[Int(byte & 0x0F)]
        index += 2
      }
    }
    precondition(index == output.count, "a SHA-256 digest is 32 bytes")
  }

  static func hex(_ digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var output: [UInt8] = []
    for byte in digest {
      output.append(digits[Int(byte >> 4)])
      output.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: output, as: UTF8.self)
  }
}
