/// A failure reported by the storage engine, with its result code, its message and the
/// statement that failed. The library maps these to exit code 3 (I/O or database failure) at
/// the CLI. PostgreSQL's errors carry SQLite's nearest result code (so that callers decide the
/// same way on either engine) and their own SQLSTATE.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
  /// SQLite's extended result code (`SQLITE_BUSY` = 5, `SQLITE_CORRUPT` = 11, `SQLITE_FULL` = 13…).
  public let resultCode: Int32
  /// SQLite's message, with the file or statement it concerns.
  public let message: String
  /// The statement that failed, if one did.
  public let sql: String?
  /// PostgreSQL's SQLSTATE (`23505`, `40P01`…) when PostgreSQL reported the failure.
  public let sqlState: String?

  /// Whether the failed transaction ran without the write lock and is to run again with it
  /// (``needsWriteLock(_:)``).
  let retriesWithWriteLock: Bool

  /// The kind the library gave the failure where the codes cannot tell it (a newer schema, a
  /// ledger to migrate, a commit whose outcome is unknown); nil to derive it from the codes.
  private let statedKind: Kind?

  /// An error with SQLite's (extended) result code, and PostgreSQL's SQLSTATE if it has one.
  public init(resultCode: Int32, message: String, sql: String? = nil, sqlState: String? = nil) {
    self.init(resultCode: resultCode, message: message, sql: sql, sqlState: sqlState, kind: nil)
  }

  /// An error of a kind the codes alone do not tell (``Kind``), with the codes it carries.
  package init(
    _ kind: Kind, resultCode: Int32, message: String, sql: String? = nil, sqlState: String? = nil
  ) {
    self.init(resultCode: resultCode, message: message, sql: sql, sqlState: sqlState, kind: kind)
  }

  private init(
    resultCode: Int32, message: String, sql: String?, sqlState: String?, kind: Kind?
  ) {
    self.resultCode = resultCode
    self.message = message
    self.sql = sql
    self.sqlState = sqlState
    statedKind = kind
    retriesWithWriteLock = false
  }

  private init(retryingWithWriteLock message: String, sql: String?) {
    resultCode = 5
    self.message = message
    self.sql = sql
    sqlState = "40001"
    statedKind = nil
    retriesWithWriteLock = true
  }

  /// A write transaction begun without the write lock (``Database/writeTransaction(lockLate:_:)``)
  /// reached a statement that needs the lock, or found that what it read has changed: it is
  /// rolled back and run again with the lock taken first. Busy (SQLite 5, SQLSTATE 40001) if
  /// it ever reached a caller.
  static func needsWriteLock(_ sql: String?, _ reason: String = "needs the write lock")
    -> DatabaseError
  {
    DatabaseError(retryingWithWriteLock: reason, sql: sql)
  }

  /// The primary result code, without the extended bits.
  public var primaryCode: Int32 { resultCode & 0xFF }

  /// What kind of storage failure this is, whichever engine reported it: the one vocabulary a
  /// caller decides on (the codes stay as detail).
  public enum Kind: String, Sendable, CaseIterable {
    /// Another writer holds the lock, or the server aborted the transaction to resolve a
    /// conflict: trying again can succeed.
    case busy
    /// The disk (or the server's) is full.
    case diskFull
    /// The ledger was opened read-only, or the file or server refuses writes.
    case readOnly
    /// The file or server cannot be opened or reached.
    case cannotOpen
    /// The file or schema is not a TokenLedger ledger (or not of this build's version).
    case notALedger
    /// The ledger's schema is newer than this build's.
    case newerSchema
    /// A journal-format-1 ledger, to be migrated to format 2 before it opens.
    case needsFormatMigration
    /// A constraint of the layout refused a write.
    case constraint
    /// Stored data is damaged or breaks an invariant of the layout.
    case corrupt
    /// The connection to the server was lost.
    case connectionLost
    /// A COMMIT failed in a way that leaves unknown whether it took effect.
    case commitOutcomeUnknown
    /// Any other failure of the engine.
    case other
  }

  /// The failure's ``Kind``: the one the library stated, else the one its codes say.
  public var kind: Kind {
    if let statedKind { return statedKind }
    if let sqlState {
      switch sqlState {
      case _ where sqlState.hasPrefix("08"): return .connectionLost
      case "40001", "40P01", "55P03": return .busy
      case "53100": return .diskFull
      case "25006": return .readOnly
      case "XX001", "XX002": return .corrupt
      case _ where sqlState.hasPrefix("23"): return .constraint
      default: break
      }
    }
    switch primaryCode {
    case 5, 6: return .busy
    case 13: return .diskFull
    case 8: return .readOnly
    case 14: return .cannotOpen
    case 26: return .notALedger
    case 11: return .corrupt
    case 19: return .constraint
    default: return .other
    }
  }

  /// True when the database file is damaged or is not a database at all.
  public var isCorruption: Bool { primaryCode == 11 || primaryCode == 26 }

  /// The message with its result code and statement.
  public var description: String {
    let kind: String
    switch primaryCode {
    case 5, 6: kind = "database is locked"
    case 11, 26: kind = "database is corrupt or not a TokenLedger file"
    case 13: kind = "disk full"
    case 14: kind = "cannot open database file"
    case 8: kind = "database is read-only"
    default: kind = "database failure"
    }
    // One line: libpq's messages carry hints on lines of their own, statements span lines.
    func oneLine<S: StringProtocol>(_ text: S) -> String {
      text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(while: \.isWhitespace) }
        .joined(separator: " ")
    }
    let message = oneLine(self.message)
    let statement = sql.map { " [\(oneLine($0).prefix(120))]" } ?? ""
    let engine = sqlState.map { "PostgreSQL \($0)" } ?? "SQLite \(resultCode)"
    return "\(kind) (\(engine): \(message))\(statement)"
  }
}

extension DatabaseError: CategorizedError {
  /// A storage failure.
  public var category: ErrorCategory { .io }
  /// A database busy or locked by another writer (SQLite 5 and 6).
  public var isTransient: Bool { primaryCode == 5 || primaryCode == 6 }
}
