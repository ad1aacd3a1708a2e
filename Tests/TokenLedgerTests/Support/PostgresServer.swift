import Foundation
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// The PostgreSQL server the engine's tests run against: `$TOKENLEDGER_TEST_POSTGRES` when set
/// (a URL without `ledger`), else a throwaway one that `tools/pg-test.sh` starts on first use
/// in a temporary directory and stops once the test process has ended. Each test works in ledgers
/// of its own (``ledger(_:)``), so tests run in parallel on one database, as many ledgers
/// would.
enum PostgresServer {
  /// The server's URL, or why there is none (the tests that need it are then skipped with it).
  static let url: Result<String, Unavailable> = {
    // Every test that reaches the server opens ledgers through the engine module.
    PostgreSQLEngine.install()
    return start()
  }()

  struct Unavailable: Error, CustomStringConvertible {
    let description: String
  }

  static var isAvailable: Bool { (try? url.get()) != nil }

  /// Whether the server is the tests' own (started by `tools/pg-test.sh`, its user a
  /// superuser), which a test may reconfigure for a moment, not one given by
  /// `$TOKENLEDGER_TEST_POSTGRES`.
  static var isThrowaway: Bool {
    isAvailable && (ProcessInfo.processInfo.environment["TOKENLEDGER_TEST_POSTGRES"] ?? "").isEmpty
  }

  /// Why the PostgreSQL tests skip, when they do.
  static var skipReason: Comment {
    if case .failure(let reason) = url { return Comment(rawValue: reason.description) }
    return "PostgreSQL server available"
  }

  private static func start() -> Result<String, Unavailable> {
    if let given = ProcessInfo.processInfo.environment["TOKENLEDGER_TEST_POSTGRES"], !given.isEmpty
    {
      return .success(given)
    }
    // system(3), not Foundation's Process: its waitUntilExit hung here, inside a lazy static's
    // initializer on a test thread.
    let script = Repository.root + "/tools/pg-test.sh"
    let output = "/tmp/tokenledger-pg-test-\(getpid())"
    defer {
      unlink(output)
      unlink(output + ".err")
    }
    // The script's watcher stops the server once this process ends, however it ends.
    let status = system("'\(script)' start \(getpid()) > '\(output)' 2> '\(output).err'")
    let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    let complaint = (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? ""
    guard status == 0 else {
      return .failure(
        Unavailable(
          description: "no PostgreSQL server for the engine's tests: "
            + complaint.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
    let url = printed.trimmingCharacters(in: .whitespacesAndNewlines)
    return .success(url)
  }

  /// A new ledger's URL on the server, named `prefix` and a random suffix.
  static func ledger(_ prefix: String) throws -> String {
    // The engine lives in TokenLedgerPostgres; installing it twice is harmless.
    PostgreSQLEngine.install()
    let base = try url.get()
    let name = "\(prefix)_\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    return base + (base.contains("?") ? "&" : "?") + "ledger=" + name
  }
}

extension Database {
  /// The libpq connection behind a PostgreSQL ledger (nil on SQLite).
  var postgresConnection: PostgresConnection? {
    guard case .postgres(let connection) = connection else { return nil }
    return connection as? PostgresConnection
  }
}
