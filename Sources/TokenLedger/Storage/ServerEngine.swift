import Synchronization

/// A database server engine that another module provides (PostgreSQL: `TokenLedgerPostgres`,
/// which links libpq), so that a build of SQLite ledgers links no client library. The engine
/// is installed once per process (``Database/install(_:)``); a `postgresql://` path without it
/// is refused, saying which module to link.
package protocol ServerEngine: Sendable {
  /// The engine's name in messages (`PostgreSQL`).
  var name: String { get }
  /// Why the client library cannot read `conninfo`, nil when it can.
  func conninfoProblem(_ conninfo: String) -> String?
  /// Connects to `location` and sets the session up (search path, time zone, lock timeout).
  func connect(_ location: PostgresLocation, mode: Database.OpenMode) throws(DatabaseError)
    -> any ServerConnection
  /// Applies the connection settings of a durability (synchronous commits or not).
  func configure(_ database: Database, durability: Durability) throws
  /// How many objects the ledger's schema holds, and its version (0 when it has none).
  func schemaState(_ database: Database) throws -> (tables: Int, version: Int)
  /// Creates (when `mayCreate`) or migrates the ledger's schema to this build's version.
  func migrate(_ database: Database, mayCreate: Bool) throws
  /// Refuses a ledger whose schema holds objects the migrations did not install, or that
  /// another role may change (before any statement could call a function of it).
  func verifyTrust(_ database: Database, displayPath: String) throws
  /// The problems the audit's integrity check reports: the layout's fingerprint against the
  /// one the migrations create, and the objects the schema may not hold.
  func integrityProblems(_ database: Database) throws -> [String]
  /// The engine's migrations, for the test that pins them against `schema/`.
  var migrations: [(name: String, sql: String)] { get }
  /// The statement that checks an operation's read set, writes its entry under the write lock
  /// and commits (the late-lock protocol, `Journal+LateLock.swift`).
  func lateLockSQL(_ shape: LateLockShape) -> String
}

/// A connection to a server engine, as ``Database`` and ``Statement`` drive it.
package protocol ServerConnection: AnyObject {
  /// Inside an open transaction.
  var isInTransaction: Bool { get }
  /// Inside a transaction that has not failed.
  var isInGoodTransaction: Bool { get }
  /// Round trips to the server so far.
  var roundTrips: Int { get }
  /// Statements sent so far.
  var statementsSent: Int { get }
  /// Runs a script of statements without parameters (written in SQLite's SQL; the engine
  /// runs it in its own).
  func runScript(_ sql: String) throws(DatabaseError)
  /// A statement (SQLite's SQL, run in the engine's), prepared on the server as `name` on
  /// its first run, or sent with its values each time when nil.
  func statement(name: String?, sql: String) -> any ServerStatement
  /// Holds back `BEGIN` and the write lock to travel with the transaction's first statement
  /// (or, `lockLate`, with its last).
  func beginLater(lockSQL: String, lockLate: Bool, flushOutsideLock: Bool, retries: Int)
    throws(DatabaseError)
  /// Takes the write lock held back by a `lockLate` begin with the next statement.
  func takeLateLock()
  /// Sends reads ahead in one round trip (``Database/readAhead(_:)``).
  func readAhead(_ reads: [(name: String, sql: String, values: [SQLValue])]) throws(DatabaseError)
}

/// A statement on a server engine with its latest result.
package protocol ServerStatement: AnyObject {
  func reset(binding values: [SQLValue], streaming: Bool)
  func finish()
  func step(originalSQL: String) throws(DatabaseError) -> (hasRow: Bool, changes: Int?)
  func runCommitting(_ values: [SQLValue], originalSQL: String) throws(DatabaseError)
  func readAheadRequest(_ values: [SQLValue]) -> (name: String, sql: String, values: [SQLValue])?
  func executeLater(_ values: [SQLValue], originalSQL: String) throws(DatabaseError)
  var columnCount: Int { get }
  func value(at column: Int) -> SQLValue
  func withTextBytes<T>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  func isBlob(at column: Int) -> Bool
  func withBlobBytes<T>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T)
    rethrows -> T
  func integer(at column: Int) -> Int64?
}

extension Database {
  private static let installedEngine = Mutex<(any ServerEngine)?>(nil)

  /// Installs the server engine for every ledger this process opens on it.
  package static func install(_ engine: any ServerEngine) {
    installedEngine.withLock { $0 = engine }
  }

  /// The installed server engine, or an error that says how to install one.
  package static func serverEngine(for path: String) throws(DatabaseError) -> any ServerEngine {
    guard let engine = installedEngine.withLock({ $0 }) else {
      throw DatabaseError(
        resultCode: 14,
        message:
          "\(PostgresLocation.redacted(path)): this build has no PostgreSQL engine (link the TokenLedgerPostgres library and call PostgreSQLEngine.install())"
      )
    }
    return engine
  }

  /// The installed server engine, when there is one.
  package static var installedServerEngine: (any ServerEngine)? {
    installedEngine.withLock { $0 }
  }
}
