/// What wrote a journal entry: one of the contract's operations, or a change the asset's
/// clock made by itself (`release` of matured unbonding, `expire` of a hold). The raw values
/// are the `kind` column and the contract's names.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
  case defineAsset, mint, openingBalance, burn, transfer, approve, transferFrom, burnFrom
  case setPaused, tick, registerValidator, delegate, undelegate, redelegate, reward, claim
  case slash, distribute, hold, settle, void
  case swap, convert, stakeIntoSubnet, unstakeFromSubnet, moveStake, transferStake, price
  /// Matured unbonding returned to available, written when the clock passes its time.
  case release
  /// An expired hold returned to its payer, written when the clock passes its expiry.
  case expire
  /// The boundary of a migrated journal: the first entry in journal format 2, chained from the
  /// last format-1 entry (``JournalFormat``). No postings.
  case formatChange

  /// Whether the library wrote it rather than an operation (export leaves these out).
  public var isDerived: Bool { self == .release || self == .expire || self == .formatChange }
}
