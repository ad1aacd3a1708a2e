/// The reads an operation is about to make, sent ahead in one round trip on PostgreSQL.
///
/// Applying a transfer reads its id's first entry, its asset's clock, the head and the two
/// balances it moves, one after another; on SQLite each is a page lookup, on PostgreSQL each
/// is a round trip to the server. Their keys are known before the first answer, so they are
/// sent together (with the transaction's BEGIN and head lock, which wait for it), and the
/// journal's own reads then take their answers (``Database/readAhead(_:)``). A prediction
/// only saves time: a read is answered from the read-ahead only when its statement and values
/// are equal and no write came between, so a read not predicted is made as before and a
/// prediction not read is dropped.
extension Journal {
  /// Sends ahead the reads of `operation` whose answers are not cached yet and whose keys are
  /// known now; nothing on SQLite.
  func readAhead(for operation: Operation) throws {
    guard database.benefitsFromReadAhead else { return }
    var reads: [JournalStatements.ReadAhead] = []
    var unknown: [Account] = []
    if let id = operation.id, recordsEntries {
      reads.append(.entry(idempotencyId: id))
    }
    if cache.head == nil, recordsEntries, !guessesHead {
      reads.append(.head)
    }
    if let asset = operation.assetSymbol {
      if cache.assets[asset] == nil {
        reads.append(.assetState(asset))
      }
      for account in Self.accountsMoved(by: operation.action) {
        guard let id = accountIds[account] else {
          // The balance's key is the account's id: both are read at once.
          unknown.append(account)
          reads.append(.accountBalance(account, asset: asset))
          continue
        }
        if cache.balances[TransactionCache.BalanceKey(accountId: id, asset: asset)] == nil {
          reads.append(.balance(accountId: id, asset: asset))
        }
      }
    }
    try statements.readAhead(reads)
    if let asset = operation.assetSymbol {
      for account in unknown { try cacheAccountBalance(account, asset: asset) }
    }
  }

  /// Caches an account's id and its balance in `asset`, read together (from the read-ahead),
  /// or that it does not exist; a balance already cached is kept (it may hold this
  /// transaction's changes).
  private func cacheAccountBalance(_ account: Account, asset: String) throws {
    guard accountIds[account] == nil, !cache.missingAccounts.contains(account) else { return }
    guard let (id, text, lastEntry) = try statements.accountBalance(account, asset: asset) else {
      // Not created yet: this transaction will, and need not look again.
      cache.missingAccounts.insert(account)
      return
    }
    accountIds[account] = id
    let key = TransactionCache.BalanceKey(accountId: id, asset: asset)
    guard cache.balances[key] == nil else { return }
    // No balance row (the LEFT JOIN's NULLs): nothing moved it yet.
    cache.balances[key] =
      text == nil && lastEntry == nil
      ? TransactionCache.Balance(amount: .zero, lastEntry: 0)
      : try Self.storedBalance(text, lastEntry, accountId: id, asset: asset)
  }

  /// The accounts whose balance a token operation reads: the holders' available balances, and
  /// the system account a mint, burn or opening balance moves.
  private static func accountsMoved(by action: Operation.Action) -> [Account] {
    switch action {
    case .transfer(_, let from, let to, _), .transferFrom(_, _, let from, let to, _):
      [Account(holder: from), Account(holder: to)]
    case .mint(_, let to, _):
      [.supply, Account(holder: to)]
    case .openingBalance(_, let to, _):
      [.external, Account(holder: to)]
    case .burn(_, let from, _), .burnFrom(_, _, let from, _):
      [Account(holder: from), .supply]
    default:
      []
    }
  }
}
