#if canImport(Glibc)
  import Glibc
#endif

/// What may be opened as a ledger. Every check here reads and never writes, so that a file
/// that is not a ledger is left byte for byte as it was.
enum LedgerFile {
  /// Refuses a path that is not a regular file (or missing, or `:memory:`): SQLite would
  /// block forever on a FIFO and fail obscurely on a directory.
  static func checkIsOpenable(_ path: String) throws {
    guard !path.isEmpty, path != ":memory:" else { return }
    var status = stat()
    guard stat(path, &status) == 0 else { return }  // missing: the open says so, or creates it
    switch status.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw FileError(path: path, reason: "is a directory, not a ledger file")
    case S_IFIFO: throw FileError(path: path, reason: "is a FIFO, not a ledger file")
    default: throw FileError(path: path, reason: "is not a regular file")
    }
  }

  /// True when `path` is a file with at least one byte.
  static func existsWithContent(_ path: String) -> Bool {
    guard !path.isEmpty, path != ":memory:" else { return false }
    var status = stat()
    return stat(path, &status) == 0 && status.st_size > 0
  }

  /// Refuses an SQLite file that is not a ledger: another application's database (tables of
  /// its own, whatever its `user_version`), or a ledger of a newer build. A new or empty file
  /// passes only when the caller may create a ledger in it.
  static func checkIsLedgerOrEmpty(_ database: Database, path: String, mayCreate: Bool) throws {
    let version = try Schema.version(of: database)
    let objects =
      try database.firstRow("SELECT count(*) FROM sqlite_schema") { $0.integer(0) ?? 0 } ?? 0
    // Another application may have marked its file without creating a table yet.
    let applicationId =
      try database.firstRow("PRAGMA application_id") { $0.integer(0) ?? 0 } ?? 0
    guard applicationId == 0 else {
      throw DatabaseError(
        resultCode: 26,
        message: "\(path) is an SQLite database of another application (application_id "
          + "\(applicationId)), not a TokenLedger ledger (left untouched)")
    }
    if version == 0 && objects == 0 {
      guard mayCreate else {
        throw DatabaseError(
          resultCode: 26,
          message:
            "\(path) is empty, not a ledger (create one with `tokenledger init` or `load`)")
      }
      return
    }
    guard version > 0 else {
      throw DatabaseError(
        resultCode: 26,
        message: "\(path) is an SQLite database of another application, not a TokenLedger ledger"
          + " (left untouched)")
    }
    if version > Schema.currentVersion {
      // A newer ledger has the core tables; another application's file does not.
      try checkHasLedgerTables(database, path: path)
    }
    guard version <= Schema.currentVersion else {
      throw DatabaseError(
        .newerSchema, resultCode: 26,
        message:
          "\(path) has schema version \(version), newer than this build's \(Schema.currentVersion)")
    }
    try checkHasLedgerTables(database, path: path)
  }

  /// Refuses a file without the ledger's core tables (an application that also uses
  /// `user_version`).
  static func checkHasLedgerTables(_ database: Database, path: String) throws {
    let tables = try database.firstRow(
      """
      SELECT count(*) FROM sqlite_schema WHERE type = 'table'
      AND name IN ('assets', 'accounts', 'balances', 'entries', 'postings')
      """
    ) { $0.integer(0) ?? 0 }
    guard tables == 5 else {
      throw DatabaseError(
        resultCode: 26,
        message:
          "\(path) is not a TokenLedger ledger (its tables are not a ledger's; left untouched)")
    }
  }

  /// The device and inode of the file at `path`, nil when there is none.
  static func identity(_ path: String) -> [UInt64]? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return [UInt64(status.st_dev), UInt64(status.st_ino)]
  }

  /// Whether `first` and `second` are two names of one file.
  static func isSameFile(_ first: String, _ second: String) -> Bool {
    guard let identity = identity(first) else { return false }
    return identity == self.identity(second)
  }

  /// Writes the file at `path` to disk (best effort: a failure leaves what the system does).
  static func syncFile(_ path: String) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  /// Writes the directory holding `path` to disk, so that a rename or link in it survives a
  /// crash of the machine.
  static func syncDirectory(of path: String) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    syncFile(directory)
  }
}
