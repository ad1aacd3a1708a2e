/// Opening a ledger's database: a file checked to be a ledger's before anything is written to
/// it, or a PostgreSQL location; configured for its durability and migrated to this build's
/// schema (or, read-only, refused when it is not at it).
extension Database {
  /// Opens, checks, configures and migrates the database of the ledger at `path` (see
  /// ``Ledger/open(at:create:durability:readOnly:)``).
  static func openLedger(
    at path: String, create: Bool, durability: Durability, readOnly: Bool
  ) throws -> Database {
    if PostgresLocation(path) != nil {
      return try openServerLedger(path, create: create, durability: durability, readOnly: readOnly)
    }
    try LedgerFile.checkIsOpenable(path)
    if !readOnly, LedgerFile.existsWithContent(path) {
      // A writable connection would replay another application's write-ahead log into its
      // file when it closes: identify the file on a read-only connection first.
      let probe = try Database(path: path, mode: .readOnly)
      try LedgerFile.checkIsLedgerOrEmpty(probe, path: path, mayCreate: create)
    }
    let mode: Database.OpenMode = readOnly ? .readOnly : (create ? .create : .existing)
    let database =
      readOnly ? try Database.openForReading(path) : try Database(path: path, mode: mode)
    try LedgerFile.checkIsLedgerOrEmpty(database, path: path, mayCreate: create && !readOnly)
    try Schema.configure(database, durability: durability)
    let version = try Schema.version(of: database)
    if version > 0, version < Schema.format2Version,
      try database.hasEntries()
    {
      throw DatabaseError(
        .needsFormatMigration, resultCode: 26,
        message:
          "\(path) is a journal-format-1 ledger (schema \(version)): migrate it to format 2 first"
          + " (Ledger.migrateToFormat2IfNeeded(at:); the tokenledger command does it when it opens"
          + " the file, except audit, which audits it as it is: Ledger.auditFormatOne(at:))")
    }
    if readOnly {
      guard try Schema.version(of: database) == Schema.currentVersion else {
        throw DatabaseError(
          resultCode: 26,
          message: "\(path) is not a TokenLedger ledger of schema version \(Schema.currentVersion)")
      }
    } else {
      try Schema.migrate(database)
    }
    try LedgerFile.checkHasLedgerTables(database, path: path)
    return database
  }

  /// Opens a ledger on PostgreSQL (``PostgresLocation``): its schema is created when `create`
  /// and missing, migrated when older, refused when it is not a ledger's or is newer.
  private static func openServerLedger(
    _ path: String, create: Bool, durability: Durability, readOnly: Bool
  ) throws -> Database {
    let database = try Database(path: path, mode: readOnly ? .readOnly : .existing)
    guard let engine = database.serverEngine else {
      preconditionFailure("a PostgreSQL connection has its engine")
    }
    try Schema.configure(database, durability: durability)
    if readOnly {
      let state = try engine.schemaState(database)
      if state.version == 0 && state.tables == 0 {
        throw FileError(
          path: PostgresLocation.redacted(path),
          reason: "no such ledger (create one with `tokenledger init` or `load`)")
      }
      guard state.version == Schema.currentVersion else {
        throw DatabaseError(
          resultCode: 26,
          message: "\(PostgresLocation.redacted(path)) is not a TokenLedger ledger of schema"
            + " version \(Schema.currentVersion)")
      }
    } else {
      try engine.migrate(database, mayCreate: create)
      database.locksHead = true
    }
    // Before any statement that could call a function of the ledger's schema.
    try engine.verifyTrust(database, displayPath: PostgresLocation.redacted(path))
    return database
  }

  /// `path` as it may be shown: a PostgreSQL URL's password replaced by `***`.
  static func displayPath(_ path: String) -> String { PostgresLocation.redacted(path) }

  /// Whether `path` names a ledger on a server engine (a `postgresql://` URL).
  static func isServerLocation(_ path: String) -> Bool { PostgresLocation(path) != nil }

  /// Why `path`, a server location, cannot name a ledger; nil when it can or is not one.
  static func serverLocationProblem(_ path: String) -> String? { PostgresLocation(path)?.problem }
}
