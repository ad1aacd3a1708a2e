/// Where a ledger lives on PostgreSQL: a libpq URL, and the ledger's name in its `ledger`
/// query parameter.
///
/// `postgresql://user@host:5432/bank?ledger=customer_7` opens ledger `customer_7` in database
/// `bank`; `postgresql:///bank?host=/run/postgresql` does so over a Unix socket, as libpq reads
/// it. Each ledger is one PostgreSQL schema (namespace) named after it, holding its own tables
/// and chain, so that one database keeps any number of independent ledgers; without the
/// parameter the ledger is `tokenledger`. A name is 1 to 63 of `a-z`, `0-9` and `_`, starting
/// with a letter or `_`: it is an SQL identifier, quoted and never built from anything else.
package struct PostgresLocation: Sendable, Equatable {
  /// The URL as libpq takes it (without `ledger`).
  package let conninfo: String
  /// The ledger's schema.
  package let schema: String

  package static let defaultLedger = "tokenledger"

  /// Nil when `path` is not a `postgresql://` or `postgres://` URL.
  package init?(_ path: String) {
    guard path.hasPrefix("postgresql://") || path.hasPrefix("postgres://") else { return nil }
    var base = path
    var ledger = Self.defaultLedger
    if let mark = path.firstIndex(of: "?") {
      base = String(path[..<mark])
      var kept: [Substring] = []
      for parameter in path[path.index(after: mark)...].split(separator: "&") {
        if parameter.hasPrefix("ledger=") {
          ledger = String(parameter.dropFirst("ledger=".count))
        } else {
          kept.append(parameter)
        }
      }
      if !kept.isEmpty { base += "?" + kept.joined(separator: "&") }
    }
    conninfo = base
    schema = ledger
  }

  /// Whether the ledger name is one the library accepts (see the type's documentation).
  package var hasValidName: Bool {
    let bytes = Array(schema.utf8)
    guard (1...63).contains(bytes.count), !(48...57).contains(bytes[0]) else { return false }
    return bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
  }

  /// The URL with any password replaced by `***`, for messages.
  package static func redacted(_ path: String) -> String {
    guard path.hasPrefix("postgres"), let scheme = path.firstRange(of: "://") else { return path }
    let rest = path[scheme.upperBound...]
    guard let at = rest.firstIndex(of: "@") else { return path }
    let userInfo = rest[..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return path }
    return String(path[..<scheme.upperBound]) + userInfo[..<colon] + ":***" + rest[at...]
  }
}
