/// State read during one transaction and kept until it ends: the head, each asset's clock and
/// pause flag, and the balances touched. Balance changes stay here (`dirty`) until
/// ``Journal/flushBalances()`` writes them, once per balance, before the transaction commits,
/// before a savepoint, and before any SQL query reads the balances table. Dropped at the start of every transaction (another
/// process may have written since) and on every rollback, so it never outlives the snapshot
/// it was read from.
struct TransactionCache {
  struct BalanceKey: Hashable {
    let accountId: Int64
    let asset: String
  }

  struct AssetState {
    var clock: Clock
    var paused: Bool
  }

  var head: (sequence: Int64, hash: String)?
  var assets: [String: AssetState] = [:]
  /// A balance row: the amount, and the last entry that moved it (0 for none).
  struct Balance {
    var amount: SignedAmount
    var lastEntry: Int64
  }

  var balances: [BalanceKey: Balance] = [:]
  /// Balances changed since they were last written.
  var dirty: Set<BalanceKey> = []
  /// Accounts read ahead and found missing (none is created but by this writer, which holds
  /// the lock), and accounts this transaction created (no balance yet in any asset).
  var missingAccounts: Set<Account> = []
  var createdAccounts: Set<Int64> = []

  /// Forgets everything but keeps the tables' capacity: a batch after a batch touches about
  /// as many balances, and growing a dictionary rehashes it.
  mutating func removeAll() {
    head = nil
    assets.removeAll(keepingCapacity: true)
    balances.removeAll(keepingCapacity: true)
    dirty.removeAll(keepingCapacity: true)
    missingAccounts.removeAll(keepingCapacity: true)
    createdAccounts.removeAll(keepingCapacity: true)
  }
}
