import Crypto

/// The state digest: SHA-256 over every non-zero balance and allowance, sorted by their
/// canonical bytes. Two ledgers that applied the same journal print the same digest, whatever
/// their row order or account ids, and a zero balance counts the same as no balance.
enum StateDigest {
  static func balanceLine(asset: String, account: Account, amount: SignedAmount) -> [UInt8] {
    var line = HashChain.CanonicalBytes(capacity: 128)
    line.field("balance")
    line.field(asset)
    line.account(account)
    line.field(amount.description)
    return line.bytes
  }

  static func allowanceLine(asset: String, owner: String, spender: String, amount: AllowanceAmount)
    -> [UInt8]
  {
    var line = HashChain.CanonicalBytes(capacity: 128)
    line.field("allowance")
    line.field(asset)
    line.field(owner)
    line.field(spender)
    line.field(amount.storedText)
    return line.bytes
  }

  static func digest(lines: [[UInt8]]) -> String {
    var hasher = SHA256()
    for line in lines.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      hasher.update(data: String(line.count).utf8 + [UInt8(ascii: ":")])
      hasher.update(data: line)
    }
    return HashChain.hex(hasher.finalize())
  }
}
