/// The statements of the journal's hot path, prepared once per connection.
final class JournalStatements {
  let selectEntryById: PreparedStatement
  let selectHead: PreparedStatement
  let selectAccountId: PreparedStatement
  let insertAccount: PreparedStatement
  let selectBalance: PreparedStatement
  /// An account's id and its balance in an asset at once, for reads sent ahead
  /// (``Journal/readAhead(for:)``) before the account's id is known.
  let selectAccountBalance: PreparedStatement
  let upsertBalance: PreparedStatement
  /// Two balances in one statement: a transfer's two sides cost one round trip on PostgreSQL.
  let upsertTwoBalances: PreparedStatement
  let insertEntry: PreparedStatement
  let insertPosting: PreparedStatement
  let selectAssetState: PreparedStatement
  let updateClock: PreparedStatement

  /// An asset's definition (fixed once defined).
  let selectAssetDefinition: PreparedStatement

  init(_ database: Database) throws(DatabaseError) {
    selectEntryById = try database.prepare(
      """
      SELECT e.seq, \(StoredPayload.columns) FROM entries e \(StoredPayload.transferJoin)
      WHERE e.idempotency_id = ?
      """)
    selectHead = try database.prepare("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
    selectAccountId = try database.prepare(
      "SELECT id FROM accounts WHERE holder = ? AND bucket = ? AND validator = ? AND detail = ?")
    insertAccount = try database.prepare(
      "INSERT INTO accounts (holder, bucket, validator, detail) VALUES (?, ?, ?, ?) RETURNING id")
    selectBalance = try database.prepare(
      "SELECT amount, last_entry FROM balances WHERE account_id = ? AND asset = ?")
    selectAccountBalance = try database.prepare(
      """
      SELECT a.id, b.amount, b.last_entry FROM accounts a
      LEFT JOIN balances b ON b.account_id = a.id AND b.asset = ?
      WHERE a.holder = ? AND a.bucket = ? AND a.validator = ? AND a.detail = ?
      """)
    upsertBalance = try database.prepare(
      """
      INSERT INTO balances (account_id, asset, amount, last_entry) VALUES (?, ?, ?, ?)
      ON CONFLICT (account_id, asset) DO UPDATE
      SET amount = excluded.amount, last_entry = excluded.last_entry
      """)
    upsertTwoBalances = try database.prepare(
      """
      INSERT INTO balances (account_id, asset, amount, last_entry) VALUES (?, ?, ?, ?), (?, ?, ?, ?)
      ON CONFLICT (account_id, asset) DO UPDATE
      SET amount = excluded.amount, last_entry = excluded.last_entry
      """)
    insertEntry = try database.prepare(
      """
      INSERT INTO entries
        (seq, idempotency_id, kind, asset, payload, height, time, hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """)
    insertPosting = try database.prepare(
      """
      INSERT INTO postings
        (entry_seq, posting_index, asset, from_account, to_account, amount, from_previous,
         to_previous)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """)
    selectAssetState = try database.prepare(
      "SELECT clock_height, clock_time, paused FROM assets WHERE symbol = ?")
    updateClock = try database.prepare(
      "UPDATE assets SET clock_height = ?, clock_time = ? WHERE symbol = ?")
    selectAssetDefinition = try database.prepare("SELECT definition FROM assets WHERE symbol = ?")
    // The reads a single operation makes before it takes the write lock
    // (``Journal/appendTakingLock(kind:idempotencyId:asset:payload:clock:compilation:)``): the
    // statement that writes its entry checks their answers again under the lock (a definition
    // never changes, an account's id neither).
    for read in [
      selectEntryById, selectHead, selectAccountId, selectBalance, selectAccountBalance,
      selectAssetState, selectAssetDefinition,
    ] { _ = read.runsBeforeWriteLock() }
  }
}

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
