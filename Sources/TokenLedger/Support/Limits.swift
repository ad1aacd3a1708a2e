/// Every limit of the ledger in one place, each enforced where input enters and each tested at
/// its boundary. Changing one is a contract change: note it in the README changelog.
public enum Limits {
  /// The longest line `apply` reads; longer lines are rejected with `invalidOperation` before
  /// they are decoded, so a hostile file cannot make the decoder allocate without bound.
  /// 8 MiB: a `distribute` to a subnet's 4,096 UIDs is about 170 KB, to the most recipients
  /// allowed (``distributeSharesMax``) about 6 MB.
  public static let operationLineBytesMax = 8 * 1024 * 1024
  /// The most recipients of one `distribute` (a subnet has 4,096 UIDs).
  public static let distributeSharesMax = 100_000
  /// The largest state snapshot read whole (a subtensor snapshot, a Cosmos export).
  public static let snapshotBytesMax = 512 * 1024 * 1024
  /// The largest fixture file `load` reads (fixtures are whole JSON documents, read at once).
  public static let fixtureBytesMax = 64 * 1024 * 1024
  /// The longest account, asset, hold or validator name, and idempotency id, in bytes.
  public static let nameBytesMax = 256
  /// The most decimals an asset may have: 10^38 still fits below 2^128.
  public static let decimalsMax = 38
  /// The most postings one entry may carry. A reward over many delegators is the widest entry.
  public static let postingsPerEntryMax = 1_000_000
  /// The most operations one `apply --batch` commit may hold.
  public static let batchOperationsMax = 1_000_000
  /// The highest block height an entry may carry, wherever it comes from (an operation's
  /// `height`, an import's block numbers, a Cosmos export's height): 2^62 − 1, so that a
  /// height plus any count of blocks the ledger adds (unbonding periods in blocks) stays an
  /// `Int64`.
  public static let heightMax: Int64 = Int64.max / 2
  /// How many characters of a user-supplied value an error message quotes.
  public static let messageQuotedCharactersMax = 80
  /// How long a writer waits for another writer's lock before SQLite reports it busy, in
  /// milliseconds.
  public static let busyTimeoutMilliseconds: Int32 = 10_000
  /// How many times a writer tries to take the lock again after SQLite reported it busy, so
  /// that a writer waits up to about 30 minutes before "database is locked" reaches its user.
  public static let busyRetriesMax = 180
  /// Normalized addresses a journal remembers (~100 bytes each) before it starts afresh.
  static let normalizedAddressesCached = 100_000
  /// Accounts whose canonical bytes the audit's hash chain check keeps (~100 bytes each).
  static let auditAccountsCached = 200_000
}
