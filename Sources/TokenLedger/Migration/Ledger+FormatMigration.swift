#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a migration to journal format 2 did.
public struct FormatMigration: Sendable, Codable, Equatable {
  /// The ledger, now in format 2.
  public let path: String
  /// Where the format-1 file was kept, untouched.
  public let formatOnePath: String
  /// Format-1 entries copied (their hashes kept and still verified).
  public let entries: Int64
  /// The last format-1 hash: the `formatChange` entry chains from it.
  public let formatOneHead: String
  /// The `formatChange` entry's sequence number: the first format-2 entry.
  public let formatChangeSequence: Int64
  /// The head after the migration (the `formatChange` entry's hash).
  public let headHash: String
  /// The state digest, the same before and after.
  public let stateDigest: String
}

/// A migration's progress: entries copied of the total, and the step it is at.
public struct FormatMigrationProgress: Sendable {
  /// Entries (and their postings) copied so far.
  public let copied: Int64
  /// Entries to copy.
  public let total: Int64
  /// The step: "copying", "auditing" or "done".
  public let step: String
}

extension Ledger {
  /// Whether the ledger at `path` is a journal-format-1 ledger with entries (schema 7 or
  /// older), which ``migrateToFormat2(at:progress:)`` must migrate before it opens.
  public static func needsFormatMigration(at path: String) throws -> Bool {
    guard LedgerFile.existsWithContent(path) else { return false }
    try LedgerFile.checkIsOpenable(path)
    let database = try Database.openForReading(path)
    try LedgerFile.checkIsLedgerOrEmpty(database, path: path, mayCreate: false)
    guard try Schema.version(of: database) < Schema.format2Version else { return false }
    return try database.hasEntries()
  }

  /// Migrates a journal-format-1 ledger to format 2 by copying it, streamed, into a new file
  /// beside it: state tables as they are, every entry and posting with its format-1 hash (as
  /// 32 bytes) and payload, then a `formatChange` entry chained from the last format-1 hash. The
  /// copy must pass a full audit (every format-1 hash verified again, every balance against
  /// the postings) before it replaces the ledger; the format-1 file is kept, unchanged, at
  /// `<path>.format1`. Writers are locked out of the old file while it is copied. Memory stays
  /// bounded (SQLite copies in chunks of 50,000 entries); `progress` is called after each.
  ///
  /// The swap is crash-safe: the format-1 file is first given its second name (a hard link),
  /// then the copy is renamed over the ledger's path, one atomic step, so the ledger is at its
  /// path, old or new, whenever the process stops. A process that waited for the migration's
  /// lock while another migrated the same file finds the ledger migrated and throws (use
  /// ``migrateToFormat2IfNeeded(at:progress:)`` to open it instead).
  @discardableResult
  public static func migrateToFormat2(
    at path: String, progress: (FormatMigrationProgress) -> Void = { _ in }
  ) throws -> FormatMigration {
    guard let migration = try migrateToFormat2(at: path, progress: progress, beforeSwap: {})
    else { throw FileError(path: path, reason: "is not a journal-format-1 ledger with entries") }
    return migration
  }

  /// Migrates the ledger at `path` to journal format 2 when it is a format-1 ledger with
  /// entries; nil when there was nothing to migrate, or when another process migrated it while
  /// this one waited for its lock (the ledger at `path` is then in format 2).
  @discardableResult
  public static func migrateToFormat2IfNeeded(
    at path: String, progress: (FormatMigrationProgress) -> Void = { _ in }
  ) throws -> FormatMigration? {
    try migrateToFormat2(at: path, progress: progress, beforeSwap: {})
  }

  /// The migration; `beforeSwap` runs once the format-1 file has its second name and before
  /// the copy replaces it (a test stops there, as a crash would). Nil when there is nothing to
  /// migrate, also when another process migrated the file while this one waited for its lock.
  static func migrateToFormat2(
    at path: String, progress: (FormatMigrationProgress) -> Void,
    beforeSwap: () throws -> Void
  ) throws -> FormatMigration? {
    guard try needsFormatMigration(at: path) else { return nil }
    let keptPath = path + ".format1"
    let newPath = path + ".format2-migrating"
    // A second name of the ledger's own file is what a swap stopped half-way leaves.
    if LedgerFile.isSameFile(keptPath, path) { unlink(keptPath) }
    guard access(keptPath, F_OK) != 0 else {
      throw FileError(path: keptPath, reason: "exists: move it away before migrating \(path)")
    }
    let lockedFile = LedgerFile.identity(path)
    // Older format-1 files first take format 1's own in-place migrations (schema 1–7).
    var old: Database? = try Database(path: path, mode: .existing)
    try Schema.configure(old!, durability: .full)
    try Schema.migrate(old!, through: Schema.format2Version - 1)
    // The old file stands alone (its log emptied) before the lock, under which nothing writes
    // to it; its connection, closed after the swap, must not remove the logs named after the
    // ledger's path, which by then is the new file's.
    try old!.checkpointAndTruncateLog()
    old!.keepWriteAheadLogOnClose()
    // Writers are locked out (BEGIN IMMEDIATE) until the copy has replaced the file.
    try old!.holdWriteLock()
    defer { old?.releaseLock() }
    // Another process may have migrated the file while this one waited for the lock: the
    // connection then holds the format-1 file under its kept name, and `path` is new.
    guard lockedFile != nil, LedgerFile.identity(path) == lockedFile,
      access(keptPath, F_OK) != 0
    else { return nil }
    guard let last = try old!.formatOneHead() else {
      throw FileError(path: path, reason: "has no entries to migrate")
    }
    let (lastSequence, lastHash) = last

    removeFile(newPath)
    var copied = false
    defer { if !copied { removeFile(newPath) } }
    let summary = try buildFormatTwoCopy(
      of: path, at: newPath, lastSequence: lastSequence, lastHash: lastHash, progress: progress)
    LedgerFile.syncFile(newPath)

    try swapIn(newPath, for: path, keeping: keptPath, beforeSwap: beforeSwap)
    copied = true
    // Releases the lock: a process that waited for it finds `path` migrated.
    old!.releaseLock()
    old = nil
    progress(FormatMigrationProgress(copied: lastSequence, total: lastSequence, step: "done"))
    return FormatMigration(
      path: path, formatOnePath: keptPath, entries: lastSequence, formatOneHead: lastHash,
      formatChangeSequence: lastSequence + 1, headHash: summary.headHash,
      stateDigest: summary.stateDigest)
  }

  /// Copies the format-1 ledger at `path` into a new format-2 file at `newPath`, chains the
  /// `formatChange` entry from its last format-1 hash, and audits the copy whole; returns its
  /// summary. Throws, leaving `path` unchanged, when the copy's head or audit is not clean.
  private static func buildFormatTwoCopy(
    of path: String, at newPath: String, lastSequence: Int64, lastHash: String,
    progress: (FormatMigrationProgress) -> Void
  ) throws -> LedgerSummary {
    try copyFormatOne(from: path, to: newPath, through: lastSequence, progress: progress)
    let migrated = try Ledger.open(at: newPath)
    try migrated.write { journal in
      let formatOneHead = try journal.head()
      guard formatOneHead == (lastSequence, lastHash) else {
        throw DatabaseError(
          resultCode: 11,
          message:
            "the copy's head is entry \(formatOneHead.sequence) \(formatOneHead.hash), not \(lastSequence) \(lastHash)"
        )
      }
      try journal.appendFormatChange()
    }
    progress(
      FormatMigrationProgress(copied: lastSequence, total: lastSequence, step: "auditing"))
    let audit = try migrated.audit()
    guard audit.ok else {
      let failed = audit.checks.filter { !$0.ok }.map(\.name).joined(separator: ", ")
      throw DatabaseError(
        resultCode: 11,
        message:
          "the format-2 copy of \(path) does not audit clean (\(failed)); \(path) is unchanged")
    }
    let summary = try migrated.summary()
    // The copy stands alone in its file: nothing of it may stay in a log named after it.
    try migrated.withConnection { try $0.checkpointAndTruncateLog() }
    return summary
  }

  /// The swap, under the write lock. The old file gets its kept name as a second link; then
  /// the copy replaces the ledger's name in one rename. Stopped anywhere, the ledger is at its
  /// path: the format-1 file until the rename, the copy after it.
  private static func swapIn(
    _ newPath: String, for path: String, keeping keptPath: String, beforeSwap: () throws -> Void
  ) throws {
    var status = stat()
    if stat(path, &status) == 0 { chmod(newPath, status.st_mode & 0o7777) }
    guard link(path, keptPath) == 0 else {
      throw FileError(path: path, reason: "could not be linked as \(keptPath) (errno \(errno))")
    }
    LedgerFile.syncDirectory(of: path)
    do { try beforeSwap() } catch {
      unlink(keptPath)
      throw error
    }
    // The old file's log, empty since the checkpoint, goes with it: a log left beside the new
    // file would be read as the new file's.
    unlink(path + "-wal")
    unlink(path + "-shm")
    guard rename(newPath, path) == 0 else {
      let reason = "could not be renamed to \(path) (errno \(errno)); \(path) is unchanged"
      unlink(keptPath)
      throw FileError(path: newPath, reason: reason)
    }
    LedgerFile.syncDirectory(of: path)
  }

  private static func removeFile(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
  }

  /// Copies a format-1 ledger's rows into a new format-2 file, entries and postings in chunks.
  /// `asFound`: for an audit, the rows are copied as they are, a posting of a missing entry or
  /// an amount past its CHECK included (foreign keys and CHECK constraints off on the copy), so
  /// that the checks name them rather than the copy failing.
  static func copyFormatOne(
    from path: String, to newPath: String, through lastSequence: Int64, asFound: Bool = false,
    progress: (FormatMigrationProgress) -> Void
  ) throws {
    let copy = try Database(path: newPath, mode: .create)
    try Schema.configure(copy, durability: .normal)
    try Schema.migrate(copy)
    try copy.copyFormatOneRows(from: path, through: lastSequence, asFound: asFound) { last in
      progress(FormatMigrationProgress(copied: last, total: lastSequence, step: "copying"))
    }
  }
}
