/// The store's own structural check, which the audit's `sqliteIntegrity` check reports: on
/// SQLite, `PRAGMA quick_check` (every page and b-tree, every CHECK, NOT NULL and type
/// constraint of every row, so an amount edited into a non-canonical text is named here),
/// `PRAGMA integrity_check` of every table with an index except the journal's entries, and, for
/// the entries' indexes, a comparison of each index with the table; on a server engine, the
/// engine's own (PostgreSQL: the layout's fingerprint, indexes and constraints).
///
/// What `integrity_check` adds to `quick_check` is that every index holds exactly its table's
/// rows (and so that UNIQUE holds). On the entries, its way (a lookup in each index for every
/// row) took 5.4 s of a 7.3 s check at 1,000,000 entries (tools/bench); here each index is read
/// once in its own order and the table once, and the two multisets of (key, row) are compared
/// by count and by a 128-bit sum of keyed hashes: a missing, extra or altered index entry
/// changes the sum.
extension Database {
  /// One thing wrong with the store's structure, in words, with what was expected and found
  /// when the check can say.
  struct StructuralProblem {
    let message: String
    var expected: String? = nil
    var actual: String? = nil

    init(_ message: String, expected: String? = nil, actual: String? = nil) {
      self.message = message
      self.expected = expected
      self.actual = actual
    }
  }

  /// Adds to `problems` what is wrong with the store's structure, as each step finds it: a
  /// step that then fails (a damaged file) leaves what the steps before it found.
  func structuralProblems(into problems: inout [StructuralProblem]) throws {
    if let engine = serverEngine {
      problems += try engine.integrityProblems(self).map { StructuralProblem($0) }
      return
    }
    if isReadOnly {
      problems.append(
        StructuralProblem(
          "CHECK constraints not verified: the ledger file is read-only to this process, and SQLite skips them on read-only files"
        ))
    }
    func report(_ pragma: String) throws {
      try forEachRow(pragma) { row in
        let message = row.text(0) ?? ""
        if message != "ok" { problems.append(StructuralProblem("SQLite: \(message)")) }
      }
    }
    try report("PRAGMA quick_check(100)")
    var indexed: [String] = []
    try forEachRow(
      """
      SELECT DISTINCT tbl_name FROM sqlite_schema
      WHERE type = 'index' AND tbl_name <> 'entries' ORDER BY tbl_name
      """
    ) { indexed.append($0.text(0) ?? "") }
    for table in indexed where table.allSatisfy({ $0.isLetter || $0 == "_" }) {
      try report("PRAGMA integrity_check(\(table))")
    }
    try compareEntriesIndexes(&problems)
  }

  /// The entries' indexes against the table: the UNIQUE index of the ids (every row) and the
  /// index by kind (rows of kinds other than transfer).
  private func compareEntriesIndexes(_ problems: inout [StructuralProblem]) throws {
    var tableIds = RowSetSum()
    var tableKinds = RowSetSum()
    try forEachRow("SELECT seq, idempotency_id, kind FROM entries NOT INDEXED") { row in
      let sequence = row.integer(0) ?? 0
      tableIds.add(row, column: 1, sequence: sequence)
      if row.text(2) != "transfer" { tableKinds.add(row, column: 2, sequence: sequence) }
    }
    var indexIds = RowSetSum()
    try forEachRow(
      "SELECT seq, idempotency_id FROM entries INDEXED BY sqlite_autoindex_entries_1"
    ) { indexIds.add($0, column: 1, sequence: $0.integer(0) ?? 0) }
    var indexKinds = RowSetSum()
    try forEachRow(
      "SELECT seq, kind FROM entries INDEXED BY entries_by_kind WHERE kind <> 'transfer'"
    ) { indexKinds.add($0, column: 1, sequence: $0.integer(0) ?? 0) }
    for (index, table, indexSum) in [
      ("sqlite_autoindex_entries_1 (ids)", tableIds, indexIds),
      ("entries_by_kind", tableKinds, indexKinds),
    ] where table != indexSum {
      problems.append(
        table.count == indexSum.count
          ? StructuralProblem(
            "index \(index) does not hold exactly the rows of table entries: \(table.count) rows in"
              + " both, but a key or a row differs")
          : StructuralProblem(
            "index \(index) does not hold exactly the rows of table entries",
            expected: "\(table.count) rows", actual: "\(indexSum.count) rows"))
    }
  }
}

/// A multiset of (value, row) pairs, summarised by its size and a 128-bit sum of keyed hashes
/// (Swift's `Hasher`, seeded per process: both sides are summed in one process).
private struct RowSetSum: Equatable {
  private(set) var count = 0
  private var low: UInt64 = 0
  private var high: UInt64 = 0

  mutating func add(_ row: Row, column: Int, sequence: Int64) {
    var first = Hasher()
    var second = Hasher()
    first.combine(0 as UInt8)
    second.combine(1 as UInt8)
    for hasher in [0, 1] {
      var value = hasher == 0 ? first : second
      value.combine(sequence)
      if row.integer(column) == nil {
        value.combine(0 as UInt8)
      } else if row.isBlob(column) {
        value.combine(2 as UInt8)
        row.withBlobBytes(column) { value.combine(bytes: UnsafeRawBufferPointer($0!)) }
      } else {
        value.combine(1 as UInt8)
        row.withTextBytes(column) { value.combine(bytes: UnsafeRawBufferPointer($0!)) }
      }
      if hasher == 0 { first = value } else { second = value }
    }
    count += 1
    low &+= UInt64(bitPattern: Int64(first.finalize()))
    high &+= UInt64(bitPattern: Int64(second.finalize()))
  }
}
