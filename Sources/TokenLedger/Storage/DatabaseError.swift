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

  /// An error with SQLite's (extended) result code, and PostgreSQL's SQLSTATE if it has one.
  public init(resultCode: Int32, message: String, sql: String? = nil, sqlState: String? = nil) {
    self.resultCode = resultCode
    self.message = message
    self.sql = sql
    self.sqlState = sqlState
    retriesWithWriteLock = false
  }

  private init(retryingWithWriteLock message: String, sql: String?) {
    resultCode = 5
    self.message = message
    self.sql = sql
    sqlState = "40001"
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
