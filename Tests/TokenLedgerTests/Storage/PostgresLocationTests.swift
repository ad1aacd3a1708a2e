import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// A PostgreSQL URL's ledger name and redaction (no server needed).
@Suite struct PostgresLocationTests {
  /// A URL libpq cannot read is refused before any connection, and no password of it (nor a
  /// piece libpq quotes back) appears in the reason: a bracket left open, a `%` not followed by
  /// two hex digits, a `/` in the password, a `password=` parameter.
  @Test(arguments: [
    "postgresql://user:secret@[::1/ledger", "postgresql://user:secret@[::1/db?password=hunter2",
    "postgresql://user:se%zzcret@localhost/db", "postgresql://user:se/cret@[::1/db",
  ])
  func aMalformedURLIsRefusedWithoutItsPassword(url: String) throws {
    PostgreSQLEngine.install()  // libpq reads the URL: the engine module's part of the check
    let problem = try #require(PostgresLocation(url)?.problem)
    #expect(problem.hasPrefix("the URL is not one libpq reads"), "\(problem)")
    for secret in ["secret", "hunter2", "zz", "se/", "\"se\""] {
      #expect(!problem.contains(secret), "\(problem)")
    }
    let secrets = PostgresLocation.secrets(in: url)
    #expect(!secrets.isEmpty)
    let message = PostgresLocation.scrubbed(
      "could not read \"\(url)\": " + secrets.joined(separator: ", "), conninfo: url)
    for secret in secrets { #expect(!message.contains(secret), "\(message)") }
  }

  @Test func ledgerNamesAndPasswords() throws {
    let base = "postgresql://app:pw@db/books"
    #expect(PostgresLocation(base + "?ledger=customer_7")?.schema == "customer_7")
    #expect(PostgresLocation(base)?.schema == "tokenledger")
    let keepalives = "&keepalives=1&keepalives_idle=30&keepalives_interval=10&keepalives_count=3"
    #expect(
      PostgresLocation(base + "?sslmode=require&ledger=a")?.conninfo
        == base + "?sslmode=require&connect_timeout=10" + keepalives)
    // What the URL says is kept.
    #expect(
      PostgresLocation(base + "?connect_timeout=3&keepalives=0&ledger=a")?.conninfo
        == base + "?connect_timeout=3&keepalives=0")
    #expect(PostgresLocation("/tmp/ledger.sqlite") == nil)
    for bad in [
      "Upper", "da-sh", "q'uote", "semi;colon", "", "1digit", "pg_catalog", "public",
      String(repeating: "a", count: 64),
    ] {
      #expect(PostgresLocation(base + "?ledger=" + bad)?.problem != nil, "\(bad)")
    }
    #expect(PostgresLocation(base + "?ledger=a&ledger=b")?.problem != nil)
    #expect(
      PostgresLocation.redacted("postgresql://app:p@ss:w@rd@db/x?ledger=a")
        == "postgresql://app:***@db/x?ledger=a")
    #expect(
      PostgresLocation.redacted("postgresql://db/x?password=secret&ledger=a")
        == "postgresql://db/x?password=***&ledger=a")
    #expect(PostgresLocation.redacted("postgresql://app@db/x") == "postgresql://app@db/x")
  }
}
