/// A ledger's fingerprint: how many entries its journal has, the hash of the last one (the
/// chain's head), and the digest of its state. Two ledgers with the same summary hold the same
/// journal and the same balances.
public struct LedgerSummary: Sendable, Equatable, Hashable, Codable {
  /// Entries in the journal.
  public let entries: Int64
  /// The last entry's hash (64 hex digits).
  public let headHash: String
  /// SHA-256 over every non-zero balance and allowance (64 hex digits).
  public let stateDigest: String

  /// A summary from its fields.
  public init(entries: Int64, headHash: String, stateDigest: String) {
    self.entries = entries
    self.headHash = headHash
    self.stateDigest = stateDigest
  }
}
