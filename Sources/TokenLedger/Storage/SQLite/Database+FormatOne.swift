/// The SQLite file operations of the format-1 migration (`Migration/`): a checkpoint that
/// leaves the file standing alone, the write lock held across the copy, the format-1 head,
/// and the streamed copy of a format-1 file's rows into a new format-2 file.
extension Database {
  /// Moves everything in the write-ahead log into the file and empties the log.
  func checkpointAndTruncateLog() throws {
    _ = try firstRow("PRAGMA wal_checkpoint(TRUNCATE)") { _ in 0 }
  }

  /// Takes the write lock (`BEGIN IMMEDIATE`), keeping writers out until ``releaseLock()``.
  func holdWriteLock() throws {
    try executeScript("BEGIN IMMEDIATE")
  }

  /// Ends the transaction ``holdWriteLock()`` began, writing nothing.
  func releaseLock() {
    try? executeScript("ROLLBACK")
  }

  /// The last entry's sequence and its hash as stored in format 1 (hex text).
  func formatOneHead() throws -> (sequence: Int64, hash: String)? {
    try firstRow(
      "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1", [],
      { ($0.integer(0)!, $0.text(1) ?? "") })
  }

  /// A transaction that takes the write lock of the databases it writes only (`BEGIN`): the
  /// attached format-1 file is read under the lock its own connection holds.
  private func deferredTransaction(_ body: () throws -> Void) throws {
    try executeScript("BEGIN")
    do {
      try body()
      try executeScript("COMMIT")
    } catch {
      try? executeScript("ROLLBACK")
      throw error
    }
  }

  /// Copies the rows of the format-1 ledger at `path` into this (new, migrated, empty)
  /// format-2 file: the state tables as they are, then entries and postings in chunks of
  /// 50,000 entries (each id in its stored form, each hash as its 32 bytes), calling
  /// `copied` with the last entry copied after each; entries after `lastSequence` are left.
  /// `asFound`: the rows are copied as they are, a posting of a missing entry or an amount
  /// past its CHECK included (foreign keys and CHECK constraints off), so that an audit names
  /// them rather than the copy failing.
  func copyFormatOneRows(
    from path: String, through lastSequence: Int64, asFound: Bool, copied: (Int64) -> Void
  ) throws {
    if asFound {
      try executeScript("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON")
    }
    try execute("ATTACH DATABASE $1 AS old", [.text(path)])
    try deferredTransaction {
      for table in [
        "assets", "accounts", "balances", "allowances", "validators", "unbonding", "holds",
      ] {
        try executeScript("INSERT INTO main.\(table) SELECT * FROM old.\(table)")
      }
    }
    let chunk: Int64 = 50_000
    var first: Int64 = 1
    while first <= lastSequence {
      let last = min(first + chunk - 1, lastSequence)
      let range: [SQLValue] = [.integer(first), .integer(last)]
      try deferredTransaction {
        try execute(
          """
          INSERT INTO main.entries
            (seq, idempotency_id, kind, asset, payload, height, time, hash)
          SELECT seq, stored_id(idempotency_id), kind, asset, payload, height, time,
            hash_bytes(hash)
          FROM old.entries WHERE seq BETWEEN $1 AND $2 ORDER BY seq
          """, range)
        try execute(
          """
          INSERT INTO main.postings (entry_seq, posting_index, asset, from_account, to_account,
            amount, from_previous, to_previous)
          SELECT entry_seq, posting_index, asset, from_account, to_account, amount, from_previous,
            to_previous
          FROM old.postings WHERE entry_seq BETWEEN $1 AND $2 ORDER BY entry_seq, posting_index
          """, range)
      }
      copied(last)
      first = last + 1
    }
    try deferredTransaction { try setFormat2From(lastSequence + 1) }
    try execute("DETACH DATABASE old")
  }
}
