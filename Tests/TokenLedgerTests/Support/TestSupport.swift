import Testing

@testable import TokenLedger

/// Where the repository lies, for tests that read `schema/` and `fixtures/`.
enum Repository {
  static let root: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    while let last = parts.last, last != "Tests" { parts.removeLast() }
    parts.removeLast()
    return parts.joined(separator: "/")
  }()

  /// `../shared/data`, present on the team's machines and CI, absent on a user's clone.
  static let sharedData = root + "/../shared/data"

  static func read(_ path: String) throws -> [UInt8] {
    let reader = try LineReader(path: path, lineBytesMax: Int.max)
    var bytes: [UInt8] = []
    while let line = try reader.next() {
      bytes += line
      bytes.append(0x0A)
    }
    return bytes
  }

  static func exists(_ path: String) -> Bool {
    (try? LineReader(path: path)) != nil
  }
}

/// A fresh in-memory ledger per test.
func makeLedger() throws -> Ledger {
  try Ledger.open(at: ":memory:", create: true)
}

let anyAsset = #"{"op":"defineAsset","symbol":"TOK","decimals":6,"addressScheme":"any"}"#

/// Applies lines atomically and returns the error code when it throws.
func errorCode(_ ledger: Ledger, _ lines: [String]) -> ErrorCode? {
  do {
    try ledger.apply(jsonLines: lines)
    return nil
  } catch let error as LedgerError {
    return error.code
  } catch {
    Issue.record("unexpected error \(error)")
    return nil
  }
}
