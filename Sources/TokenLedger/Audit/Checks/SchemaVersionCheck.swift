/// The file's schema version is the one this build writes.
struct SchemaVersionCheck: AuditCheck {
  let name = "schemaVersion"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    let version = try Schema.version(of: context.database)
    if version != Schema.currentVersion {
      violations.append(
        Violation(
          "schema version \(version) is not \(Schema.currentVersion)",
          expected: String(Schema.currentVersion), actual: String(version)))
    }
  }
}
