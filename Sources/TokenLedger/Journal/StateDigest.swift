import Crypto

/// The state digest: SHA-256 over every non-zero balance and allowance, sorted by their
/// canonical bytes. Two ledgers that applied the same journal print the same digest, whatever
/// their row order or account ids, and a zero balance counts the same as no balance.
enum StateDigest {
  static func balanceLine(asset: String, account: Account, amount: SignedAmount) -> [UInt8] {
    var bytes: [UInt8] = []
    HashChain.append("balance", to: &bytes)
    HashChain.append(asset, to: &bytes)
    HashChain.append(account: account, to: &bytes)
    HashChain.append(amount.description, to: &bytes)
    return bytes
  }

  static func allowanceLine(asset: String, owner: String, spender: String, amount: AllowanceAmount)
    -> [UInt8]
  {
    var bytes: [UInt8] = []
    HashChain.append("allowance", to: &bytes)
    HashChain.append(asset, to: &bytes)
    HashChain.append(owner, to: &bytes)
    HashChain.append(spender, to: &bytes)
    HashChain.append(amount.storedText, to: &bytes)
    return bytes
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
