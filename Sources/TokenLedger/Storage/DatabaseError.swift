/// A failure reported by SQLite, with its result code, its message and the statement that
/// failed. The library maps these to exit code 3 (I/O or database failure) at the CLI.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
  /// SQLite's extended result code (`SQLITE_BUSY` = 5, `SQLITE_CORRUPT` = 11, `SQLITE_FULL` = 13…).
  public let resultCode: Int32
  /// SQLite's message, with the file or statement it concerns.
  public let message: String
  /// The statement that failed, if one did.
  public let sql: String?

  /// An error with SQLite's (extended) result code.
  public init(resultCode: Int32, message: String, sql: String? = nil) {
    self.resultCode = resultCode
    self.message = message
    self.sql = sql
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
    let statement = sql.map { " [\($0.prefix(120))]" } ?? ""
    return "\(kind) (SQLite \(resultCode): \(message))\(statement)"
  }
}
