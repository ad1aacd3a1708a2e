/// A ledger's fingerprint: how many entries its journal has, the hash of the last one (the
/// chain's head), and the digest of its state. Two ledgers with the same summary hold the same
/// journal and the same balances.
public struct LedgerSummary: Sendable, Equatable, Hashable, Codable {
  public let entries: Int64
  public let headHash: String
  public let stateDigest: String

  public init(entries: Int64, headHash: String, stateDigest: String) {
    self.entries = entries
    self.headHash = headHash
    self.stateDigest = stateDigest
  }
}
