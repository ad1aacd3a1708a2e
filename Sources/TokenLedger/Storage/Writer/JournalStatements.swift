/// The statements of the journal's hot path, prepared once per connection, in the journal's
/// terms: the journal hands over and takes back domain values, never SQL values.
///
/// The writes are deferred (``PreparedStatement/executeDeferred(_:)``): on PostgreSQL they
/// travel with the next statement that needs an answer.
final class JournalStatements {
  private let database: Database
  private let selectEntryById: PreparedStatement
  private let selectHead: PreparedStatement
  private let selectAccountId: PreparedStatement
  private let insertAccount: PreparedStatement
  private let selectBalance: PreparedStatement
  /// An account's id and its balance in an asset at once, for reads sent ahead
  /// (``Journal/readAhead(for:)``) before the account's id is known.
  private let selectAccountBalance: PreparedStatement
  private let upsertBalance: PreparedStatement
  /// Two balances in one statement: a transfer's two sides cost one round trip on PostgreSQL.
  private let upsertTwoBalances: PreparedStatement
  private let insertEntry: PreparedStatement
  private let insertPosting: PreparedStatement
  private let selectAssetState: PreparedStatement
  private let updateClock: PreparedStatement

  /// An asset's definition (fixed once defined).
  private let selectAssetDefinition: PreparedStatement

  init(_ database: Database) throws(DatabaseError) {
    self.database = database
    selectEntryById = try database.prepare(
      """
      SELECT \(database.operationColumns) FROM entries e \(Database.transferJoin)
      WHERE e.idempotency_id = $1
      """)
    selectHead = try database.prepare("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
    selectAccountId = try database.prepare(
      "SELECT id FROM accounts WHERE holder = $1 AND bucket = $2 AND validator = $3 AND detail = $4"
    )
    insertAccount = try database.prepare(
      "INSERT INTO accounts (holder, bucket, validator, detail) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    selectBalance = try database.prepare(
      "SELECT amount, last_entry FROM balances WHERE account_id = $1 AND asset = $2")
    selectAccountBalance = try database.prepare(
      """
      SELECT a.id, b.amount, b.last_entry FROM accounts a
      LEFT JOIN balances b ON b.account_id = a.id AND b.asset = $1
      WHERE a.holder = $2 AND a.bucket = $3 AND a.validator = $4 AND a.detail = $5
      """)
    upsertBalance = try database.prepare(
      """
      INSERT INTO balances (account_id, asset, amount, last_entry) VALUES ($1, $2, $3, $4)
      ON CONFLICT (account_id, asset) DO UPDATE
      SET amount = excluded.amount, last_entry = excluded.last_entry
      """)
    upsertTwoBalances = try database.prepare(
      """
      INSERT INTO balances (account_id, asset, amount, last_entry) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)
      ON CONFLICT (account_id, asset) DO UPDATE
      SET amount = excluded.amount, last_entry = excluded.last_entry
      """)
    insertEntry = try database.prepare(
      """
      INSERT INTO entries
        (seq, idempotency_id, kind, asset, payload, height, time, hash)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      """)
    insertPosting = try database.prepare(
      """
      INSERT INTO postings
        (entry_seq, posting_index, asset, from_account, to_account, amount, from_previous,
         to_previous)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      """)
    selectAssetState = try database.prepare(
      "SELECT clock_height, clock_time, paused FROM assets WHERE symbol = $1")
    updateClock = try database.prepare(
      "UPDATE assets SET clock_height = $1, clock_time = $2 WHERE symbol = $3")
    selectAssetDefinition = try database.prepare("SELECT definition FROM assets WHERE symbol = $1")
    // The reads a single operation makes before it takes the write lock
    // (``Journal/appendTakingLock(kind:idempotencyId:asset:payload:clock:compilation:)``): the
    // statement that writes its entry checks their answers again under the lock (a definition
    // never changes, an account's id neither).
    for read in [
      selectEntryById, selectHead, selectAccountId, selectBalance, selectAccountBalance,
      selectAssetState, selectAssetDefinition,
    ] { _ = read.runsBeforeWriteLock() }
  }

  // MARK: Reads

  /// The entry that first used idempotency id `id`, with its recorded operation.
  func entry(idempotencyId id: String) throws -> Database.StoredOperation? {
    try selectEntryById.firstRow([database.storedId(id)]) { Database.storedOperation($0) }
  }

  /// The last entry's sequence and hash (hex); nil for an empty journal.
  func head() throws -> (sequence: Int64, hash: String)? {
    try selectHead.firstRow([]) { ($0.integer(0)!, $0.hashHex(1)!) }
  }

  /// The id of `account`, nil when it has none yet.
  func accountId(_ account: Account) throws -> Int64? {
    try selectAccountId.firstRow(Self.accountKey(account)) { $0.integer(0) } ?? nil
  }

  /// Creates `account` and returns its id.
  func createAccount(_ account: Account) throws -> Int64 {
    guard let id = try insertAccount.firstRow(Self.accountKey(account), { $0.integer(0) }) ?? nil
    else { preconditionFailure("INSERT … RETURNING id returns the new account's id") }
    return id
  }

  private static func accountKey(_ account: Account) -> [SQLValue] {
    [
      .text(account.holder), .text(account.bucket.kind.rawValue),
      .text(account.bucket.validatorColumn), .text(account.bucket.detailColumn),
    ]
  }

  /// The balance row of an account in an asset, as stored (amount text, last entry); nil
  /// when there is none.
  func balance(accountId: Int64, asset: String) throws -> (text: String?, lastEntry: Int64?)? {
    try selectBalance.firstRow([.integer(accountId), .text(asset)]) { ($0.text(0), $0.integer(1)) }
  }

  /// An account's id and its balance row in `asset` at once: nil when the account does not
  /// exist; the amount and last entry nil when it has no row in the asset.
  func accountBalance(_ account: Account, asset: String) throws -> (
    id: Int64, text: String?, lastEntry: Int64?
  )? {
    guard
      let (id, text, lastEntry) = try selectAccountBalance.firstRow(
        Self.accountBalanceKey(account, asset), { ($0.integer(0), $0.text(1), $0.integer(2)) }),
      let id
    else { return nil }
    return (id, text, lastEntry)
  }

  private static func accountBalanceKey(_ account: Account, _ asset: String) -> [SQLValue] {
    [.text(asset)] + accountKey(account)
  }

  /// An asset's clock and pause flag; nil when it has no row.
  func assetState(_ symbol: String) throws -> (clock: Clock, paused: Bool)? {
    try selectAssetState.firstRow([.text(symbol)]) {
      (Clock(height: $0.integer(0), time: $0.integer(1)), $0.integer(2) == 1)
    }
  }

  /// An asset's stored definition text; nil when it is not defined.
  func assetDefinition(_ symbol: String) throws -> String? {
    try selectAssetDefinition.firstRow([.text(symbol)], { $0.text(0) }) ?? nil
  }

  /// A read the journal may send ahead (``Database/readAhead(_:)``): the same statement and
  /// values as the read it predicts, so that the read takes its answer.
  enum ReadAhead {
    case entry(idempotencyId: String)
    case head
    case assetState(String)
    case accountBalance(Account, asset: String)
    case balance(accountId: Int64, asset: String)
  }

  /// Sends `reads` ahead in one round trip (nothing on an engine without round trips).
  func readAhead(_ reads: [ReadAhead]) throws {
    try database.readAhead(
      reads.map { read in
        switch read {
        case .entry(let id): (selectEntryById, [database.storedId(id)])
        case .head: (selectHead, [])
        case .assetState(let symbol): (selectAssetState, [.text(symbol)])
        case .accountBalance(let account, let asset):
          (selectAccountBalance, Self.accountBalanceKey(account, asset))
        case .balance(let id, let asset): (selectBalance, [.integer(id), .text(asset)])
        }
      })
  }

  // MARK: Writes

  /// Writes balance rows (account id, asset, amount, last entry), two to a statement.
  func writeBalances(
    _ rows: [(accountId: Int64, asset: String, amount: SignedAmount, lastEntry: Int64)]
  )
    throws
  {
    func values(_ row: (accountId: Int64, asset: String, amount: SignedAmount, lastEntry: Int64))
      -> [SQLValue]
    {
      [
        .integer(row.accountId), .text(row.asset), .text(row.amount.description),
        .integer(row.lastEntry),
      ]
    }
    var index = 0
    while index + 1 < rows.count {
      try upsertTwoBalances.executeDeferred(values(rows[index]) + values(rows[index + 1]))
      index += 2
    }
    if index < rows.count { try upsertBalance.executeDeferred(values(rows[index])) }
  }

  /// Writes an entry row.
  func writeEntry(
    sequence: Int64, idempotencyId: String?, kind: EntryKind, asset: String?, payload: String?,
    clock: Clock, hash: [UInt8]
  ) throws {
    try insertEntry.executeDeferred([
      .integer(sequence), idempotencyId.map(database.storedId) ?? .null, .text(kind.rawValue),
      SQLValue(asset), SQLValue(payload), SQLValue(clock.height), SQLValue(clock.time),
      .blob(hash),
    ])
  }

  /// Writes posting `index` of entry `sequence`, with its accounts' ids and history links.
  func writePosting(
    sequence: Int64, index: Int, _ posting: Posting,
    accounts: (from: Int64, to: Int64, fromPrevious: Int64, toPrevious: Int64)
  ) throws {
    try insertPosting.executeDeferred([
      .integer(sequence), .integer(Int64(index)), .text(posting.asset), .integer(accounts.from),
      .integer(accounts.to), .text(posting.amount.description), .integer(accounts.fromPrevious),
      .integer(accounts.toPrevious),
    ])
  }

  /// Moves an asset's clock.
  func writeClock(_ clock: Clock, of symbol: String) throws {
    try updateClock.executeDeferred([SQLValue(clock.height), SQLValue(clock.time), .text(symbol)])
  }
}
