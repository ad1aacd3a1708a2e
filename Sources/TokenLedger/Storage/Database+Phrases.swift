/// The few phrases the two engines write differently, chosen by engine as a statement is
/// written (a statement is never rewritten after): each returns the phrase in the running
/// engine's own SQL.
extension Database {
  /// `column` starts with `prefix` (no wildcard characters in it): SQLite's GLOB, which its
  /// planner can run on an index; PostgreSQL's LIKE on a column of the C collation.
  func startsWith(_ column: String, _ prefix: String) -> String {
    precondition(!prefix.contains(where: { "*?[]%_\\'".contains($0) }), "a plain prefix")
    return engine == .postgres ? "\(column) LIKE '\(prefix)%'" : "\(column) GLOB '\(prefix)*'"
  }

  /// `column` does not start with `prefix` (see ``startsWith(_:_:)``).
  func doesNotStartWith(_ column: String, _ prefix: String) -> String {
    precondition(!prefix.contains(where: { "*?[]%_\\'".contains($0) }), "a plain prefix")
    return engine == .postgres
      ? "\(column) NOT LIKE '\(prefix)%'" : "\(column) NOT GLOB '\(prefix)*'"
  }

  /// SQLite's index hint (` INDEXED BY name`), for a read whose plan SQLite would otherwise
  /// choose worse; nothing on PostgreSQL, whose planner has no hints.
  func indexedBy(_ index: String) -> String {
    engine == .postgres ? "" : " INDEXED BY \(index)"
  }

  /// The schema of this connection's temporary tables (`temp`, PostgreSQL's `pg_temp`).
  var temporarySchema: String { engine == .postgres ? "pg_temp" : "temp" }

  /// What names an index on a temporary table as one: SQLite's `temp.`; nothing on
  /// PostgreSQL, which puts the index beside its table.
  var temporaryIndexPrefix: String { engine == .postgres ? "" : "temp." }

  /// The options after a temporary key-value table's columns: SQLite's `WITHOUT ROWID` keeps
  /// it one B-tree; PostgreSQL has no such option.
  var keyTableOptions: String { engine == .postgres ? "" : " WITHOUT ROWID" }

  /// An idempotency id column as text: on SQLite an on-chain id is stored as bytes
  /// (``StoredId``) and is spelled out here; PostgreSQL stores every id as its text.
  func idText(_ column: String) -> String {
    engine == .postgres ? column : StoredId.textSQL(column)
  }

  /// True for an id column stored as text (on PostgreSQL every id is).
  func isTextId(_ column: String) -> String {
    engine == .postgres ? "TRUE" : "typeof(\(column)) = 'text'"
  }

  /// The UTC date `YYYY-MM-DD` of a Unix time column (NULL for NULL).
  func utcDate(_ column: String) -> String {
    engine == .postgres
      ? "to_char(to_timestamp(\(column)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
      : "strftime('%Y-%m-%d', \(column), 'unixepoch')"
  }
}
