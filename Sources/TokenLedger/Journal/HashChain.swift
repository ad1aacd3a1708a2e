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
    let payload: String
    let clock: Clock
  }

  static func hash(previous: String, entry: EntryFields, postings: [Posting]) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(256 + entry.payload.utf8.count + postings.count * 128)
    append("tokenledger-entry/1", to: &bytes)
    append(previous, to: &bytes)
    append(String(entry.sequence), to: &bytes)
    append(entry.idempotencyId, to: &bytes)
    append(entry.kind, to: &bytes)
    append(entry.asset, to: &bytes)
    append(entry.payload, to: &bytes)
    append(entry.clock.height.map { String($0) }, to: &bytes)
    append(entry.clock.time.map { String($0) }, to: &bytes)
    append(String(postings.count), to: &bytes)
    for posting in postings {
      append(posting.asset, to: &bytes)
      append(account: posting.from, to: &bytes)
      append(account: posting.to, to: &bytes)
      append(posting.amount.description, to: &bytes)
    }
    return hex(SHA256.hash(data: bytes))
  }

  /// `-` for nil, else `<byte count>:<bytes>`.
  static func append(_ field: String?, to bytes: inout [UInt8]) {
    guard var field else {
      bytes.append(UInt8(ascii: "-"))
      return
    }
    field.withUTF8 { utf8 in
      appendDecimal(utf8.count, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      bytes.append(contentsOf: utf8)
    }
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

  static func append(account: Account, to bytes: inout [UInt8]) {
    append(account.holder, to: &bytes)
    append(account.bucket.kind.rawValue, to: &bytes)
    append(account.bucket.validatorColumn, to: &bytes)
    append(account.bucket.detailColumn, to: &bytes)
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
