/// A TokenLedger database: the public entry point of the library.
///
/// ```swift
/// import TokenLedger
///
/// let ledger = try Ledger.open(at: ":memory:", create: true)
/// try ledger.apply(jsonLines: [
///   #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any"}"#,
///   #"{"op":"mint","asset":"FET","to":"alice","amount":"100"}"#,
///   #"{"op":"transfer","asset":"FET","from":"alice","to":"bob","amount":"12.5"}"#,
/// ])
/// let bob = try ledger.balances(account: "bob")
/// print(bob[0].available)  // 12.5
/// ```
///
/// Every write runs in one SQLite transaction (`BEGIN IMMEDIATE`): an operation, or a batch, is
/// applied whole or not at all. `Ledger` is `Sendable`: calls from many tasks are serialised on
/// one connection; other processes may write the same file at once (they queue on SQLite's lock).
///
/// `@unchecked Sendable` is sound here because the only mutable state, the journal and its
/// connection, is reached solely through `write(_:)` and `read(_:)`, which hold `lock` for
/// the whole call; no reference to the journal escapes them.
public final class Ledger: @unchecked Sendable {
  private let lock = Lock()
  private let journal: Journal
  /// The ledger's file (`:memory:` for one in memory), or its PostgreSQL URL.
  public let path: String
  /// Whether the ledger was opened read-only: every write is refused.
  private let isReadOnly: Bool

  private init(journal: Journal, path: String, readOnly: Bool = false) {
    self.journal = journal
    self.path = path
    self.isReadOnly = readOnly
  }

  /// ``path`` as it may be shown: a PostgreSQL URL's password replaced by `***`.
  public var displayPath: String { Database.displayPath(path) }

  /// `path` as it may be shown (see ``displayPath``).
  public static func displayPath(for path: String) -> String { Database.displayPath(path) }

  /// Opens the ledger at `path` (`:memory:` for a private in-memory ledger), creating it when
  /// `create` is true and it is missing or empty. `durability` applies to this connection's
  /// commits.
  ///
  /// A file that is not a ledger is refused before anything is written to it (not even the
  /// journal mode): a directory, a FIFO or a device, an SQLite database of another
  /// application, a file of a newer schema. A ledger that is not in WAL mode (a backup written
  /// by `VACUUM INTO`) opens read-only as it is, and is switched to WAL when opened to write.
  public static func open(
    at path: String, create: Bool = false, durability: Durability = .full, readOnly: Bool = false
  ) throws -> Ledger {
    let database = try Database.openLedger(
      at: path, create: create, durability: durability, readOnly: readOnly)
    return Ledger(journal: try Journal(database: database), path: path, readOnly: readOnly)
  }

  /// Whether `path` names a ledger on PostgreSQL (a `postgresql://` URL; see
  /// <doc:PostgreSQL>) rather than an SQLite file.
  public static func isPostgreSQL(_ path: String) -> Bool { Database.isServerLocation(path) }

  /// Why `path`, a PostgreSQL URL, cannot name a ledger (a ledger name that is not 1 to 63 of
  /// `a-z`, `0-9` and `_`, PostgreSQL's own schemas, two `ledger` parameters); nil when it can,
  /// or when `path` is not a PostgreSQL URL.
  public static func postgreSQLLocationProblem(_ path: String) -> String? {
    Database.serverLocationProblem(path)
  }

  /// Runs `body` with the journal inside a write transaction; caches are dropped on failure.
  ///
  /// `lockLate`: `body` applies one operation, which on PostgreSQL first runs without the
  /// write lock, its entry taking the lock with the COMMIT (``Journal``'s
  /// `appendTakingLock`); when that cannot be, it runs again with the lock taken first.
  func write<T>(lockLate: Bool = false, _ body: (Journal) throws -> T) throws -> T {
    guard !isReadOnly else {
      throw DatabaseError(resultCode: 8, message: "\(displayPath) was opened read-only")
    }
    return try lock.withLock {
      if lockLate, journal.database.canLockLate {
        do {
          return try writeOnce(lockLate: true, body)
        } catch let error as DatabaseError where error.retriesWithWriteLock {
          journal.database.lockLateRetries += 1
        }
      }
      return try writeOnce(lockLate: false, body)
    }
  }

  private func writeOnce<T>(lockLate: Bool, _ body: (Journal) throws -> T) throws -> T {
    do {
      let result = try journal.database.writeTransaction(lockLate: lockLate) {
        journal.beginTransaction()
        let result: T
        do {
          result = try body(journal)
        } catch let error as LedgerError where journal.database.writeLockDeferred {
          // The reads before the lock are statements of their own, each seeing its moment: a
          // refusal is decided again under the lock, where they all see one.
          throw DatabaseError.needsWriteLock(nil, "refused before the write lock: \(error.code)")
        }
        try journal.flushBalances()
        return result
      }
      journal.didCommit()
      return result
    } catch {
      journal.forgetUncommitted()
      throw error
    }
  }

  /// Single operations on PostgreSQL that began without the write lock and had to take it
  /// before their end (benchmarks report it beside many writers' rates).
  package var postgresLockLateRetries: Int { lock.withLock { journal.database.lockLateRetries } }

  /// Makes a new, empty ledger keep no journal rows (a replay's scratch copy).
  func stopRecordingEntries() throws {
    try lock.withLock { try journal.stopRecordingEntries() }
  }

  /// Runs `body` with the connection and no transaction, for statements that cannot run
  /// inside one (`VACUUM INTO`).
  func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
    try lock.withLock { try body(journal.database) }
  }

  /// Installs a storage fault injector (tests only: the deterministic simulator).
  func setFaultInjector(_ injector: ((Database.FaultSite) -> Int32?)?) {
    lock.withLock { journal.database.faultInjector = injector }
  }

  /// Writes a consistent copy of the ledger to a new file (SQLite's `VACUUM INTO`), safe while
  /// other connections write.
  public func backup(to path: String) throws {
    guard !Ledger.isPostgreSQL(self.path) else {
      throw DatabaseError(
        resultCode: 1,
        message: "backup copies an SQLite file; a ledger on PostgreSQL is copied with"
          + " pg_dump --schema=<ledger>, or exported with exportLines")
    }
    try withConnection { try $0.copy(to: path) }
  }

  /// Runs `body` inside a read transaction: one consistent snapshot, even while other
  /// processes write.
  func read<T>(_ body: (Journal) throws -> T) throws -> T {
    try lock.withLock {
      try journal.database.readTransaction {
        journal.beginTransaction()
        return try body(journal)
      }
    }
  }
}
