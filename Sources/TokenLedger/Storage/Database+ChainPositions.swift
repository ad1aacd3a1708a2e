/// Where `sync` stands on a chain, per asset and source kind (schema/0009_chain_positions.sql):
/// the chain's id, the last block applied and its hash. The same SQL on both engines.
extension Database {
  /// The recorded position, or nil when nothing was synced; a row that breaks the schema's
  /// checks (edited by hand) is reported, naming it.
  func chainPosition(asset: String, source: String) throws -> (
    chainId: Int64, block: Int64, hash: String
  )? {
    try firstRow(
      "SELECT chain_id, block, hash FROM chain_positions WHERE asset = $1 AND source = $2",
      [.text(asset), .text(source)]
    ) { row in
      guard let chainId = row.integer(0), let block = row.integer(1), let hash = row.text(2) else {
        throw DatabaseError(
          resultCode: 11, message: "chain_positions row of \(asset) (\(source)) is malformed")
      }
      return (chainId, block, hash)
    }
  }

  /// Moves the position from `expected` (nil: none recorded) to `block` and `hash`, inside
  /// the caller's write transaction. False when the recorded position is no longer
  /// `expected`: another sync moved it, and this one must not overwrite it.
  func moveChainPosition(
    asset: String, source: String, chainId: Int64, from expected: (block: Int64, hash: String)?,
    to block: Int64, hash: String
  ) throws -> Bool {
    if let expected {
      try execute(
        """
        UPDATE chain_positions SET chain_id = $1, block = $2, hash = $3
        WHERE asset = $4 AND source = $5 AND block = $6 AND hash = $7
        """,
        [
          .integer(chainId), .integer(block), .text(hash), .text(asset), .text(source),
          .integer(expected.block), .text(expected.hash),
        ])
    } else {
      try execute(
        """
        INSERT INTO chain_positions (asset, source, chain_id, block, hash) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (asset, source) DO NOTHING
        """, [.text(asset), .text(source), .integer(chainId), .integer(block), .text(hash)])
    }
    return changes == 1
  }
}

extension Database {
  /// Lets the next commits skip the disk flush (SQLite's `synchronous = NORMAL` in WAL mode)
  /// when `relaxed`, or restores the durability the ledger was opened with. A sync relaxes
  /// the commits of a step's blocks but its last (docs/decisions.md, "Following a chain"):
  /// that one's flush makes the step's whole WAL durable, and a crash before it loses whole
  /// blocks with their position, which the next sync reads again. PostgreSQL keeps its
  /// commits as configured.
  func relaxCommits(_ relaxed: Bool) throws {
    guard engine == .sqlite, durability == .full, !isReadOnly, path != ":memory:" else { return }
    try executeScript("PRAGMA synchronous = \(relaxed ? "NORMAL" : "FULL")")
  }
}
