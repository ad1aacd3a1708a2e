/// The ledger as its tables stand, read in one snapshot: what the queries, reports,
/// liabilities, reconcile, replay and the audit read. It never sees the writer's cache: it is
/// made only where that cache holds nothing unwritten (``Ledger/snapshot(_:)``: a read
/// transaction, whose cache is empty by construction), so no query needs to remember to flush.
struct LedgerSnapshot {
  /// The journal it reads through: for asset definitions (fixed once defined), the head and
  /// the format of each entry.
  let journal: Journal

  /// A snapshot of `journal`'s tables; the journal must have no balance change unwritten.
  init(_ journal: Journal) {
    precondition(!journal.hasUnwrittenBalances, "a snapshot reads the tables, not the cache")
    self.journal = journal
  }

  var database: Database { journal.database }

  func allAssets() throws -> [AssetDefinition] { try journal.allAssets() }

  func assetDefinition(_ symbol: String) throws -> AssetDefinition? {
    try journal.assetDefinition(symbol)
  }

  func head() throws -> (sequence: Int64, hash: String) { try journal.head() }

  func assetState(_ symbol: String) throws -> TransactionCache.AssetState {
    try journal.assetState(symbol)
  }

  func totalSupply(_ symbol: String) throws -> Amount { try journal.totalSupply(symbol) }
}

extension Journal {
  /// Whether balance changes wait in the cache for ``flushBalances()``.
  var hasUnwrittenBalances: Bool { !cache.dirty.isEmpty }
}

extension Ledger {
  /// Runs `body` with a snapshot of the ledger, in one read transaction.
  func snapshot<T>(_ body: (LedgerSnapshot) throws -> T) throws -> T {
    try read { journal in try body(LedgerSnapshot(journal)) }
  }
}
