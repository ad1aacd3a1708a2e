import CPostgres
import TokenLedger

/// The PostgreSQL engine: ledgers at `postgresql://…?ledger=NAME` (``PostgresLocation``),
/// each one schema of its own. Install it once, before opening such a ledger:
///
/// ```swift
/// import TokenLedger
/// import TokenLedgerPostgres
///
/// PostgreSQLEngine.install()
/// let ledger = try Ledger.open(at: "postgresql:///bank?host=/run/postgresql&ledger=customers")
/// ```
public struct PostgreSQLEngine: ServerEngine {
  /// Makes `Ledger.open` open PostgreSQL ledgers in this process.
  public static func install() { Database.install(PostgreSQLEngine()) }

  package var name: String { "PostgreSQL" }

  /// libpq's reading of `conninfo`. libpq quotes the token it could not read, which may be
  /// (part of) a password: every quoted token is left out.
  package func conninfoProblem(_ conninfo: String) -> String? {
    var error: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(conninfo, &error) else {
      let message = error.map { String(cString: $0) } ?? "unreadable"
      if let error { PQfreemem(error) }
      var reason = Substring(PostgresLocation.withoutQuotedTokens(message))
      while reason.last?.isWhitespace == true { reason.removeLast() }
      return String(reason)
    }
    PQconninfoFree(options)
    return nil
  }

  /// The session settings: the ledger's schema first on the search path (`pg_temp` for
  /// temporary tables), UTC, the lock timeout SQLite's busy timeout is. A read-only connection
  /// is not a read-only session (reconcile's temporary tables are writes to PostgreSQL):
  /// `Ledger` refuses writes through a ledger opened read-only, and the audit's own
  /// connections are made query-only.
  package func connect(_ location: PostgresLocation, mode: Database.OpenMode)
    throws(DatabaseError) -> any ServerConnection
  {
    let connection = try PostgresConnection(conninfo: location.conninfo)
    let settings = [
      "SET search_path TO \"\(location.schema)\", pg_temp",
      "SET TIME ZONE 'UTC'",
      "SET lock_timeout = \(Limits.busyTimeoutMilliseconds)",
      "SET client_min_messages = warning",
    ]
    try connection.executeScript(settings.joined(separator: "; "))
    return connection
  }

  /// PostgreSQL always checks foreign keys and CHECKs, and its WAL is always on; an
  /// asynchronous commit may lose the last commits in a crash, never corrupt.
  package func configure(_ database: Database, durability: Durability) throws {
    try database.executeScript("SET synchronous_commit = \(durability == .full ? "on" : "off")")
  }

  package func schemaState(_ database: Database) throws -> (tables: Int, version: Int) {
    try PostgresSchema.state(of: database)
  }

  package func migrate(_ database: Database, mayCreate: Bool) throws {
    try PostgresSchema.migrate(database, mayCreate: mayCreate)
  }

  package func verifyTrust(_ database: Database, displayPath: String) throws {
    try PostgresTrust.verify(
      database, schema: PostgresSchema.schema(database), displayPath: displayPath)
  }

  package func integrityProblems(_ database: Database) throws -> [String] {
    try PostgresIntegrity.problems(database)
  }

  package func lateLockSQL(_ shape: LateLockShape) -> String { shape.sql }

  package var migrations: [(name: String, sql: String)] {
    PostgresSchema.migrations.map { ($0.name, $0.sql) }
  }
}

extension PostgresConnection: ServerConnection {
  /// Runs a script of statements without parameters, as written (in PostgreSQL's SQL: the
  /// library writes each statement in the engine's own, `Storage/Database+Phrases.swift`).
  func runScript(_ sql: String) throws(DatabaseError) {
    try executeScript(sql)
  }

  func statement(name: String?, sql: String) -> any ServerStatement {
    PostgresStatement(connection: self, name: name, sql: sql)
  }
}

extension PostgresStatement: ServerStatement {}
