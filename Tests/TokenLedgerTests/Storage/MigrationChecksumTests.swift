import Crypto
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// Migrations are append-only: a shipped one never changes (a ledger migrated by it would
/// differ from one created later). Each shipped migration of both engines is pinned by the
/// SHA-256 of its file; a new one is added here with its checksum in the change that ships it.
@Suite struct MigrationChecksumTests {
  static let shipped: [(name: String, sha256: String)] = [
    ("0001_core.sql", "2cdca744d9b22b0798be3388ce9c34890700bdc72197b88a5ec75d47f896e260"),
    ("0002_staking.sql", "c2b5ea0dec6c9323991789d6cec85dee31c4cb6cf43e7dfed2baed91cde28e19"),
    ("0003_posting_links.sql", "c88806f1edeb7aafc11df229bfe7b08b318ed7d0e0c19a10c276096095494954"),
    (
      "0004_entries_by_kind.sql", "eaaaf01042e465dee2d0b647f4da76bd3c00de76f847ee6f7e348db48f813203"
    ),
    (
      "0005_entry_hash_check.sql",
      "ff899d81ae779349646c5ca1ad9c559c996fa3bb69513464d86285dba2b14b9d"
    ),
    (
      "0006_wide_system_balances.sql",
      "3a56e7dd75cfac7b623146c4254f10de1d02b6fba38a47f626cc9fb733968ea1"
    ),
    (
      "0007_validator_rate_limits.sql",
      "a1e19b6b7bc90d2370de9a2da21a0e38ff36db96f48ff1a1255d656934364bc0"
    ),
    (
      "0008_journal_format_2.sql",
      "654ea4fdc11eb36e12095b3281421dc8ad7b6e187e57b3a3698072b5ea51587a"
    ),
    (
      "0009_chain_positions.sql",
      "b7e820603f8b37c9c747243947b7c5944e43abd190610e4dbbeb5e0da0d54d9c"
    ),
    (
      "postgresql/0001_ledger.sql",
      "85a4078fe4122d1694836bbbe42197dfed6d8f19989fdd3c9aedab55ccf20804"
    ),
    (
      "postgresql/0002_chain_positions.sql",
      "f217883a430f914eb0de603338626fc15964ab641b29df8ce8bc7b91d2a7b8ef"
    ),
  ]

  static func sha256(_ text: String) -> String {
    HashChain.hex(SHA256.hash(data: Array(text.utf8)))
  }

  /// What the library embeds is what shipped, byte for byte, on both engines, and nothing
  /// shipped is missing or changed.
  @Test func everyShippedMigrationKeepsItsChecksum() {
    let embedded =
      Schema.migrations.map { ($0.name, $0.sql) }
      + PostgresSchema.migrations.map { ($0.name, $0.sql) }
    #expect(
      embedded.map(\.0) == Self.shipped.map(\.name), "a migration was added, removed or renamed")
    for ((name, sql), pinned) in zip(embedded, Self.shipped) {
      #expect(Self.sha256(sql) == pinned.sha256, "\(name) changed after it shipped")
    }
  }

  /// The check can fail: one byte more is another checksum.
  @Test func anEditedMigrationHasAnotherChecksum() {
    let first = Schema.migrations[0].sql
    #expect(Self.sha256(first + " ") != Self.shipped[0].sha256)
  }
}
