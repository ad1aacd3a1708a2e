import Foundation
import Testing

@testable import TokenLedger

/// Storage failures have one closed vocabulary, whichever engine reported them: the kind is
/// what the library stated, else what SQLite's result code or PostgreSQL's SQLSTATE says.
@Suite struct DatabaseErrorKindTests {
  @Test(
    arguments: [
      (Int32(5), nil, DatabaseError.Kind.busy),
      (517, nil, .busy),  // SQLITE_BUSY_SNAPSHOT: the primary code decides
      (6, nil, .busy),
      (13, nil, .diskFull),
      (8, nil, .readOnly),
      (14, nil, .cannotOpen),
      (26, nil, .notALedger),
      (11, nil, .corrupt),
      (2067, nil, .constraint),  // SQLITE_CONSTRAINT_UNIQUE
      (1, nil, .other),
      (10, "08006", .connectionLost),
      (5, "40P01", .busy),
      (13, "53100", .diskFull),
      (1, "23505", .constraint),
      (11, "XX001", .corrupt),
      (1, "42601", .other),
    ] as [(Int32, String?, DatabaseError.Kind)])
  func theCodesSayTheKind(code: Int32, sqlState: String?, kind: DatabaseError.Kind) {
    #expect(DatabaseError(resultCode: code, message: "m", sqlState: sqlState).kind == kind)
  }

  @Test func aStatedKindIsKeptWithItsCodes() {
    let error = DatabaseError(.newerSchema, resultCode: 26, message: "newer")
    #expect(error.kind == .newerSchema && error.resultCode == 26 && error.isCorruption)
  }

  /// A kind the library states where the codes cannot tell it apart from another.
  @Test func aNewerLedgerSaysSo() throws {
    let directory = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/newer.sqlite"
    do {
      let database = try Database(path: path, mode: .create)
      try Schema.migrate(database)
      try database.executeScript("PRAGMA user_version = \(Schema.currentVersion + 1)")
    }
    let error = #expect(throws: DatabaseError.self) { try Ledger.open(at: path) }
    #expect(error?.kind == .newerSchema, "\(String(describing: error))")
  }

  @Test func aFormatOneLedgerSaysItNeedsMigrating() throws {
    let (directory, path) = try FormatMigrationTests.copyOfFixture()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let error = #expect(throws: DatabaseError.self) { try Ledger.open(at: path) }
    #expect(error?.kind == .needsFormatMigration, "\(String(describing: error))")
  }
}
