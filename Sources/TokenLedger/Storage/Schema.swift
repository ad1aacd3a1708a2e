/// The database layout: the forward-only migrations of `schema/`, applied in order inside one
/// transaction and recorded in `PRAGMA user_version`.
package enum Schema {
  package struct Migration: Sendable {
    package let name: String
    package let sql: String

    package init(name: String, sql: String) {
      self.name = name
      self.sql = sql
    }
  }

  /// The schema version this build writes and understands.
  package static var currentVersion: Int { migrations.count }

  /// The first schema version of journal format 2 (0008): a file with entries below it is
  /// migrated by copying (``Ledger/migrateToFormat2(at:progress:)``), not in place.
  package static let format2Version = 8

  /// Names and SQL of the embedded migrations, for the test that compares them with `schema/`.
  package static var embeddedMigrations: [(name: String, sql: String)] {
    migrations.map { ($0.name, $0.sql) } + (Database.installedServerEngine?.migrations ?? [])
  }

  /// The version recorded in the file.
  static func version(of database: Database) throws -> Int {
    if let engine = database.serverEngine { return try engine.schemaState(database).version }
    let stored = try database.firstRow("PRAGMA user_version") { $0.integer(0) }
    return Int((stored ?? nil) ?? 0)
  }

  /// Brings the file up to ``currentVersion``. A file written by a newer build is refused
  /// rather than misread.
  static func migrate(_ database: Database, through last: Int? = nil) throws {
    if let engine = database.serverEngine {
      return try engine.migrate(database, mayCreate: false)
    }
    let target = last ?? migrations.count
    // Most opens find the file current: check without taking the write lock, so that readers
    // and writers opening at once do not queue on it.
    let found = try version(of: database)
    if found == target || (last != nil && found > target) { return }
    // A migration may rebuild a table that others reference (SQLite cannot alter a column's
    // constraints): foreign keys are off while the migrations run, which SQLite allows only
    // outside a transaction, and every reference is verified before they commit.
    let enforced = try database.firstRow("PRAGMA foreign_keys") { $0.integer(0) == 1 } ?? false
    try database.executeScript("PRAGMA foreign_keys = OFF")
    defer { if enforced { try? database.executeScript("PRAGMA foreign_keys = ON") } }
    try database.writeTransaction {
      let version = try self.version(of: database)
      guard version <= migrations.count else {
        throw DatabaseError(
          .newerSchema, resultCode: 1,
          message: "schema version \(version) is newer than this build's \(migrations.count)")
      }
      for (index, migration) in migrations.enumerated().dropFirst(version).prefix(target - version)
      {
        try database.executeScript(migration.sql)
        try database.executeScript("PRAGMA user_version = \(index + 1)")
      }
      var broken: [String] = []
      try database.forEachRow("PRAGMA foreign_key_check") { row in
        broken.append("\(row.text(0) ?? "?") row \(row.integer(1).map(String.init) ?? "?")")
      }
      guard broken.isEmpty else {
        throw DatabaseError(
          resultCode: 787,
          message:
            "migration would leave \(broken.count) broken references, e.g. \(broken.prefix(3).joined(separator: ", "))"
        )
      }
    }
  }

  /// Applies the connection settings: WAL, foreign keys, and `synchronous` FULL by default
  /// (`NORMAL` only when the caller opts in for a bulk load; a crash may then lose the last
  /// commits but never corrupts the file).
  static func configure(_ database: Database, durability: Durability) throws {
    database.durability = durability
    if let engine = database.serverEngine {
      database.postgresDurableCommits = durability == .full
      return try engine.configure(database, durability: durability)
    }
    try database.executeScript("PRAGMA foreign_keys = ON")
    // Cheap extra checks of each b-tree cell as it is read, so that more damage is reported
    // as corruption instead of being read as data.
    try database.executeScript("PRAGMA cell_size_check = ON")
    // Setting the journal mode writes the file: a read-only connection reads a ledger in
    // whatever mode it is (a backup made by VACUUM INTO is not in WAL mode).
    if database.path != ":memory:" && !database.path.isEmpty && !database.isReadOnly {
      _ = try database.firstRow("PRAGMA journal_mode = WAL") { $0.text(0) }
    }
    try database.executeScript(
      "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
    // A 64 MiB page cache keeps the balances and index pages a batch touches in memory
    // (SQLite's default is 2 MiB, which turns a large ledger's random balance lookups into
    // reads from the OS), and temporary tables (reconcile) stay in memory.
    try database.executeScript("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY")
  }
}

/// How hard each commit is pushed to disk.
public enum Durability: Sendable {
  /// `synchronous = FULL`: a commit that returned survives power loss. The default.
  case full
  /// `synchronous = NORMAL` in WAL mode: faster bulk loads; a power loss may drop the latest
  /// commits (never corrupt the file).
  case normal
}
