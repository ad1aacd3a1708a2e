/// This build's version, the one place it is written: `tokenledger --version`, `info`, every
/// JSON document's `tokenledger` header and the HTML report read it from here. Read it as
/// `TokenLedger.version`.
public let version = "2.0.0"

/// The schema version this build writes and reads (`PRAGMA user_version`: the number of
/// migrations in `schema/`). Read it as `TokenLedger.schemaVersion`.
public let schemaVersion = Schema.currentVersion
