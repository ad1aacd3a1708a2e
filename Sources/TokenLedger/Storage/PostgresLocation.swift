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
  /// How many `ledger` parameters the URL has (more than one is refused).
  let ledgerParameterCount: Int

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
    // A server that accepts and never answers must not hang a command: libpq waits forever
    // without a connect timeout.
    if !base.contains("connect_timeout=") {
      base += (base.contains("?") ? "&" : "?") + "connect_timeout=10"
    }
    // Nor a server host that dies mid-command: TCP keepalives (probed by the server's kernel,
    // answered even while a long audit runs) find a dead peer in about a minute instead of the
    // system's two hours. A Unix socket ignores them.
    if !base.contains("keepalives") {
      base += "&keepalives=1&keepalives_idle=30&keepalives_interval=10&keepalives_count=3"
    }
    conninfo = base
    schema = ledger
    ledgerParameterCount =
      path.split(separator: "?").dropFirst().joined(separator: "?")
      .split(separator: "&").filter { $0.hasPrefix("ledger=") }.count
  }

  /// Why this location cannot name a ledger, or nil when it can.
  package var problem: String? {
    if ledgerParameterCount > 1 { return "the URL names more than one ledger" }
    if !hasValidName {
      return "ledger name \"\(schema)\": use 1 to 63 of a-z, 0-9 and _, not starting with a digit"
    }
    if schema.hasPrefix("pg_") || schema == "public" || schema == "information_schema" {
      return "ledger name \"\(schema)\" is PostgreSQL's own schema"
    }
    if let reason = Database.installedServerEngine?.conninfoProblem(conninfo) {
      return "the URL is not one libpq reads: \(reason)"
    }
    // libpq ends the authority at the first "/", so a password holding one is read as a
    // host and a port, and a piece of it is echoed back as a bad port.
    if let beforeQuery = Self.beforeQuery(conninfo) {
      let authority = beforeQuery[..<(beforeQuery.firstIndex(of: "/") ?? beforeQuery.endIndex)]
      if !authority.contains("@"), beforeQuery.contains("@") {
        return "the URL is not one libpq reads: its user or password holds a \"/\""
          + " (percent-encode it as %2F)"
      }
    }
    return nil
  }

  /// `text` with every `"…"` replaced by `"***"`.
  package static func withoutQuotedTokens(_ text: String) -> String {
    var output = ""
    var inQuote = false
    for character in text {
      if character == "\"" {
        output += inQuote ? "***\"" : "\""
        inQuote.toggle()
      } else if !inQuote {
        output.append(character)
      }
    }
    return output
  }

  /// What follows the scheme's `://` up to the query, nil without a scheme.
  private static func beforeQuery(_ path: String) -> Substring? {
    guard let scheme = path.firstRange(of: "://") else { return nil }
    let rest = path[scheme.upperBound...]
    return rest[..<(rest.firstIndex(of: "?") ?? rest.endIndex)]
  }

  /// The passwords `path` may carry, however malformed it is: the text between the first `:`
  /// after the scheme's user and the last `@` before the query, and every `password=` value.
  package static func secrets(in path: String) -> [String] {
    var found: [String] = []
    if let beforeQuery = beforeQuery(path) {
      if let at = beforeQuery.lastIndex(of: "@"), let colon = beforeQuery[..<at].firstIndex(of: ":")
      {
        let secret = String(beforeQuery[beforeQuery.index(after: colon)..<at])
        if !secret.isEmpty { found.append(secret) }
      }
    }
    for parameter in path.split(whereSeparator: { $0 == "?" || $0 == "&" || $0 == " " })
    where parameter.hasPrefix("password=") {
      let secret = String(parameter.dropFirst("password=".count))
      if !secret.isEmpty { found.append(secret) }
    }
    return found
  }

  /// `message` (from libpq, about `conninfo`) with the URL redacted and every password of it
  /// replaced by `***`, so that no cause of a failure shows one.
  package static func scrubbed(_ message: String, conninfo: String) -> String {
    var text = message.replacing(conninfo, with: redacted(conninfo))
    for secret in secrets(in: conninfo).sorted(by: { $0.count > $1.count }) {
      text = text.replacing(secret, with: "***")
    }
    return text
  }

  /// Whether the ledger name is one the library accepts (see the type's documentation).
  package var hasValidName: Bool {
    let bytes = Array(schema.utf8)
    guard (1...63).contains(bytes.count), !(48...57).contains(bytes[0]) else { return false }
    return bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
  }

  /// The URL with any password (before the host, or a `password` parameter) replaced by
  /// `***`, for messages and reports.
  package static func redacted(_ path: String) -> String {
    guard path.hasPrefix("postgres"), let scheme = path.firstRange(of: "://") else { return path }
    var text = path
    // user:password@host: the authority ends at the first "/" or "?" after the scheme; the
    // password may hold "@" and ":" unencoded, so the last "@" of the authority ends it.
    let afterScheme = text[scheme.upperBound...]
    let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
    let authority = text[scheme.upperBound..<authorityEnd]
    if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
      text.replaceSubrange(text.index(after: colon)..<at, with: "***")
    }
    // password=… among the query parameters.
    if let mark = text.firstIndex(of: "?") {
      let query = text[text.index(after: mark)...].split(
        separator: "&", omittingEmptySubsequences: false
      )
      .map { $0.hasPrefix("password=") ? "password=***" : String($0) }
      text = String(text[...mark]) + query.joined(separator: "&")
    }
    return text
  }

}
