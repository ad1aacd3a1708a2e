extension Ledger {
  /// Entry kinds the clock derives (matured unbonding, expired holds). `export` leaves them
  /// out because applying the exported operations derives them again, identically.
  public static let derivedEntryKinds: Set<String> = ["release", "expire", "formatChange"]

  /// Calls `body` with each operation of the journal, in order, as a canonical JSON line that
  /// `apply` accepts; up to entry `until` when given. Applying the lines to a new ledger
  /// rebuilds the same head hash and state digest.
  public func exportLines(until: Int64? = nil, _ body: (String) throws -> Void) throws {
    try read { journal in
      // The export is the journal itself, so it must be the journal as written: a damaged or
      // edited entry (the chain does not verify) stops the export instead of being copied.
      let context = AuditContext(journal: journal)
      for check in [SequenceCheck() as any AuditCheck, HashChainCheck()] {
        var violations = ViolationList()
        try check.run(context, &violations)
        if let first = violations.first.first {
          throw DatabaseError(
            resultCode: 11, message: "the journal does not verify (\(check.name)): \(first.message)"
          )
        }
      }
      try journal.database.forEachRow(
        """
        SELECT \(Journal.operationColumns) FROM entries e \(StoredPayload.transferJoin)
        WHERE e.seq <= ? ORDER BY e.seq
        """,
        [.integer(until ?? Int64.max)]
      ) { row in
        guard !Self.derivedEntryKinds.contains(row.text(2) ?? "") else { return }
        try body(try journal.operationText(row))
      }
    }
  }
}
