import Foundation
import Testing

@testable import TokenLedger

/// The integrity check compares the entries' indexes with the table (instead of SQLite's
/// per-row lookups): a byte of an id changed inside the index's page, which leaves every page
/// well-formed and the table as it was, is reported.
@Suite struct IndexCorruptionTests {
  @Test func anIdChangedInsideItsIndexIsReported() throws {
    let directory = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/l.sqlite"
    let hash = String(repeating: "ab", count: 32)
    do {
      let ledger = try Ledger.open(at: path, create: true)
      try ledger.apply(jsonLines: [
        anyAsset, #"{"op":"mint","asset":"TOK","to":"alice","amount":"100"}"#,
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"1","id":"0x\#(hash):7"}"#,
      ])
      #expect(try ledger.audit().ok)
    }
    // The id's bytes in the index page: the hash's 32 bytes and the digit "7".
    let (page, pageSize) = try {
      let database = try Database(path: path, mode: .existing)
      _ = try database.firstRow("PRAGMA wal_checkpoint(TRUNCATE)") { _ in 0 }
      let page =
        try database.firstRow(
          "SELECT pageno FROM dbstat WHERE name = 'sqlite_autoindex_entries_1' AND pagetype = 'leaf'"
        ) { $0.integer(0)! } ?? 0
      let size = try database.firstRow("PRAGMA page_size") { $0.integer(0)! } ?? 0
      return (page, size)
    }()
    #expect(page > 0)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let pageStart = Int((page - 1) * pageSize)
    let needle = Data(HashChain.bytes(hex: hash) + Array("7".utf8))
    let found = bytes[pageStart..<(pageStart + Int(pageSize))].range(of: needle)
    #expect(found != nil)
    guard let found else { return }
    bytes[found.upperBound - 1] = UInt8(ascii: "8")
    try bytes.write(to: URL(fileURLWithPath: path))

    let audit = try Ledger.open(at: path).audit()
    let integrity = audit.checks.first { $0.name == "sqliteIntegrity" }
    #expect(integrity?.ok == false)
    #expect(
      integrity?.violations.contains { $0.message.contains("sqlite_autoindex_entries_1") } == true,
      "\(String(describing: integrity))")
  }
}
