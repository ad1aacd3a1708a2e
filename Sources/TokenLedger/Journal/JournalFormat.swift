/// How a journal entry is stored and hashed. Format 1 (schema 1–7) kept the id inside the
/// payload and the hash as hex text; format 2 (schema 8 on) stores the id once, the hash as its
/// 32 bytes, a transfer its posting states in full without a payload, and hashes the stored
/// fields under the domain `tokenledger-entry/2`. A migrated ledger keeps its format-1 entries
/// as they were hashed; the entries from the file's `journal_format.format2_from` on are format 2.
public enum JournalFormat: Int, Sendable, Codable, CaseIterable {
  /// `tokenledger-entry/1`: the previous hash as 64 hex digits, the payload with the id.
  case one = 1
  /// `tokenledger-entry/2`: the previous hash as 32 bytes, the payload as stored.
  case two = 2
}
