import Foundation
import Testing

@testable import TokenLedger
@testable import TokenLedgerPostgres

/// A PostgreSQL ledger whose schema holds code the library did not install (a function
/// replaced, an overload or a trigger planted, an object owned by another role, a role that may
/// create objects there) is refused before any statement runs, so that the planted code never
/// runs with the privileges of whoever opens the ledger.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresTrustTests {
  /// A new ledger with a few entries, a connection to its schema, and a canary table that the
  /// planted code writes to when it runs.
  static func plantedLedger(_ prefix: String) throws -> (
    url: String, admin: Database, schema: String
  ) {
    let url = try PostgresServer.ledger(prefix)
    let ledger = try Ledger.open(at: url, create: true)
    try ledger.apply(jsonLines: PostgresConnectionTests.setup)
    let admin = try Database(path: url, mode: .existing)
    let schema = PostgresLocation(url)!.schema
    try admin.executeScript(
      """
      CREATE SCHEMA "\(schema)_canary";
      CREATE TABLE "\(schema)_canary".ran (schema text, role text);
      GRANT USAGE ON SCHEMA "\(schema)_canary" TO PUBLIC;
      GRANT INSERT ON "\(schema)_canary".ran TO PUBLIC
      """)
    return (url, admin, schema)
  }

  static func canaryRows(_ admin: Database, _ schema: String) throws -> Int64 {
    try admin.firstRow(
      "SELECT count(*) FROM \"\(schema)_canary\".ran WHERE schema = CAST($1 AS TEXT)",
      [.text(schema)]
    ) { $0.integer(0) ?? -1 } ?? -1
  }

  /// Opens the ledger and runs the commands that call its functions; returns the error.
  static func refusal(_ url: String) -> String? {
    do {
      let ledger = try Ledger.open(at: url)
      _ = try ledger.audit()
      _ = try Ledger.open(at: url, readOnly: true).audit()
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func aFreshLedgerHoldsOnlyWhatTheLibraryInstalled() throws {
    let (_, admin, schema) = try Self.plantedLedger("trust_fresh")
    #expect(try PostgresTrust.problems(admin, schema: schema) == [])
    #expect(PostgresTrust.expectedFunctions.count == 10)
  }

  @Test func aFunctionWhoseBodyWasReplacedIsRefusedAndNeverRuns() throws {
    let (url, admin, schema) = try Self.plantedLedger("trust_body")
    try admin.executeScript(
      """
      CREATE OR REPLACE FUNCTION "\(schema)".amount_valid(text) RETURNS integer
        LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        INSERT INTO "\(schema)_canary".ran VALUES ('\(schema)', current_user);
        RETURN CASE WHEN $1 ~ '^(0|-?[1-9][0-9]*)$' THEN 1 ELSE 0 END;
      END $$
      """)
    let refusal = Self.refusal(url)
    #expect(
      refusal?.contains("function amount_valid(text) is not the one") == true, "\(refusal ?? "")")
    #expect(refusal?.contains("refusing PostgreSQL ledger") == true)
    #expect(try Self.canaryRows(admin, schema) == 0)
  }

  @Test func anOverloadPlantedByARoleThatMayCreateInTheSchemaIsRefused() throws {
    let (url, admin, schema) = try Self.plantedLedger("trust_overload")
    let role = "tl_mallory_\(UInt32.random(in: 0...UInt32.max))"
    try admin.executeScript(
      """
      CREATE ROLE \(role);
      GRANT USAGE, CREATE ON SCHEMA "\(schema)" TO \(role);
      SET ROLE \(role);
      CREATE FUNCTION "\(schema)".amount_valid(character varying) RETURNS integer
        LANGUAGE sql AS $$ SELECT 1 $$;
      RESET ROLE
      """)
    defer { try? admin.executeScript("DROP OWNED BY \(role); DROP ROLE \(role)") }
    let refusal = Self.refusal(url) ?? ""
    #expect(refusal.contains("role \(role) may create objects in the schema"), "\(refusal)")
    #expect(refusal.contains("function amount_valid(character varying) is not one the library"))
    #expect(refusal.contains("is owned by \(role)"))
  }

  @Test func aPlantedTriggerPolicyOrOperatorIsRefused() throws {
    let plants = [
      """
      CREATE FUNCTION "SCHEMA_canary".note() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RETURN NEW; END $$;
      CREATE TRIGGER noted BEFORE INSERT ON "SCHEMA".entries
        FOR EACH ROW EXECUTE FUNCTION "SCHEMA_canary".note()
      """,
      """
      ALTER TABLE "SCHEMA".balances ENABLE ROW LEVEL SECURITY;
      CREATE POLICY peek ON "SCHEMA".balances USING (true)
      """,
      """
      CREATE FUNCTION "SCHEMA".same(text, integer) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
      CREATE OPERATOR "SCHEMA".= (LEFTARG = text, RIGHTARG = integer, FUNCTION = "SCHEMA".same)
      """,
      """
      CREATE FUNCTION "SCHEMA_canary".zero() RETURNS text LANGUAGE sql AS $$ SELECT '0' $$;
      ALTER TABLE "SCHEMA".validators ALTER COLUMN stake SET DEFAULT "SCHEMA_canary".zero()
      """,
    ]
    let expected = [
      "trigger noted on entries", "row-level policy peek", "operator =", "_canary.zero",
    ]
    for (plant, words) in zip(plants, expected) {
      let (url, admin, schema) = try Self.plantedLedger("trust_plant")
      try admin.executeScript(plant.replacing("SCHEMA", with: schema))
      let refusal = Self.refusal(url) ?? ""
      #expect(refusal.contains(words), "\(words): \(refusal)")
    }
  }

  /// A role without USAGE on a ledger's schema is told so, naming the schema, not that
  /// `ledger_meta` does not exist.
  @Test(
    .enabled(if: PostgresServer.isThrowaway, "creates a role: only on the tests' own server"))
  func aRoleWithoutUsageIsToldPermissionDeniedForTheSchema() throws {
    let (url, admin, schema) = try Self.plantedLedger("trust_usage")
    let role = "tl_nousage_\(UInt32.random(in: 0...UInt32.max))"
    try admin.executeScript("CREATE ROLE \(role) LOGIN")
    defer { try? admin.executeScript("DROP OWNED BY \(role); DROP ROLE \(role)") }
    let error = #expect(throws: DatabaseError.self) {
      try Ledger.open(
        at: url.replacingOccurrences(
          of: "postgresql://tokenledger@", with: "postgresql://\(role)@"), readOnly: true)
    }
    #expect(
      error?.message.contains("permission denied for schema \(schema)") == true,
      "\(error?.message ?? "")")
  }
}
