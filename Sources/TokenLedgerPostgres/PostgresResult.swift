import CPostgres
import TokenLedger

/// A statement's result: rows in text format, or a command's status. Owns its `PGresult`.
final class PostgresResult {
  private let handle: OpaquePointer?
  private unowned let connection: PostgresConnection
  let rowCount: Int
  let columnCount: Int

  init(_ handle: OpaquePointer?, connection: PostgresConnection) {
    self.handle = handle
    self.connection = connection
    rowCount = handle.map { Int(PQntuples($0)) } ?? 0
    columnCount = handle.map { Int(PQnfields($0)) } ?? 0
  }

  deinit { PQclear(handle) }

  /// Throws the statement's error, mapped to SQLite's result codes so that callers decide
  /// the same way on either engine (a unique violation is SQLITE_CONSTRAINT_UNIQUE, a lock
  /// timeout or a serialization failure is SQLITE_BUSY…); the SQLSTATE is kept.
  func check(sql: String) throws(DatabaseError) {
    guard let handle else {
      throw DatabaseError(
        resultCode: 10, message: "PostgreSQL: \(connection.errorMessage)", sql: sql,
        sqlState: "08006")
    }
    switch PQresultStatus(handle) {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
    default:
      let state = PQresultErrorField(handle, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
      let message =
        PQresultErrorField(handle, Int32(UInt8(ascii: "M")))
        .map { String(cString: $0) } ?? connection.errorMessage
      throw DatabaseError(
        resultCode: Self.resultCode(sqlState: state ?? ""), message: message, sql: sql,
        sqlState: state ?? "08006")
    }
  }

  /// SQLite's (extended) result code for a PostgreSQL SQLSTATE.
  static func resultCode(sqlState: String) -> Int32 {
    switch sqlState {
    case "23505": return 2067  // SQLITE_CONSTRAINT_UNIQUE
    case "23514": return 275  // SQLITE_CONSTRAINT_CHECK
    case "23503": return 787  // SQLITE_CONSTRAINT_FOREIGNKEY
    case "23502": return 1299  // SQLITE_CONSTRAINT_NOTNULL
    case "40001", "40P01", "55P03", "57014": return 5  // SQLITE_BUSY
    case "53100": return 13  // SQLITE_FULL
    case "53200": return 7  // SQLITE_NOMEM
    case "25006": return 8  // SQLITE_READONLY
    case "XX001", "XX002": return 11  // SQLITE_CORRUPT
    default:
      if sqlState.hasPrefix("23") { return 19 }  // SQLITE_CONSTRAINT
      if sqlState.hasPrefix("08") || sqlState.hasPrefix("58") { return 10 }  // SQLITE_IOERR
      return 1  // SQLITE_ERROR
    }
  }

  /// Rows changed by an INSERT, UPDATE or DELETE.
  var changes: Int {
    guard let handle, let text = PQcmdTuples(handle) else { return 0 }
    return Int(String(cString: text)) ?? 0
  }

  /// A value's text; nil for NULL.
  func text(_ row: Int, _ column: Int) -> String? {
    bytes(row, column).map { String(decoding: $0, as: UTF8.self) }
  }

  func isNull(_ row: Int, _ column: Int) -> Bool {
    PQgetisnull(handle, Int32(row), Int32(column)) == 1
  }

  /// The column's type OID (16 bool, 17 bytea, 20/21/23 integers, 25 text, 1700 numeric…).
  func type(_ column: Int) -> UInt32 { PQftype(handle, Int32(column)) }

  /// The value's text-format bytes, valid while the result lives; nil for NULL.
  func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8>? {
    guard !isNull(row, column), let pointer = PQgetvalue(handle, Int32(row), Int32(column))
    else { return nil }
    let count = Int(PQgetlength(handle, Int32(row), Int32(column)))
    return UnsafeRawPointer(pointer).withMemoryRebound(to: UInt8.self, capacity: count) {
      UnsafeBufferPointer(start: $0, count: count)
    }
  }
}
