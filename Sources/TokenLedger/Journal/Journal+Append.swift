/// Writing an entry: balances, effects, the entry row with its hash, and its postings.
extension Journal {
  /// Appends one entry and returns its sequence number. The postings balance by construction;
  /// each one is checked again here against the holder-never-negative and 2^128 − 1 rules.
  /// `payload` is the operation's canonical JSON without its id, or nil for a transfer its one
  /// posting states in full (``StoredPayload``).
  ///
  /// `endsOperation`: the operation's own entry, after which it writes nothing. In a write
  /// transaction that has not taken the write lock yet, that entry is written by
  /// ``appendTakingLock(kind:idempotencyId:asset:payload:clock:compilation:)``, and any other
  /// entry needs the lock first.
  func append(
    kind: EntryKind, idempotencyId: String?, asset: String?, payload: String?, clock: Clock,
    compilation: Compilation, endsOperation: Bool = false
  ) throws -> Int64 {
    precondition(compilation.postings.count <= Limits.postingsPerEntryMax, "entry too wide")
    if database.writeLockDeferred {
      guard endsOperation else {
        throw DatabaseError.needsWriteLock(nil, "\(kind): writes an entry before its own")
      }
      return try appendTakingLock(
        kind: kind, idempotencyId: idempotencyId, asset: asset, payload: payload, clock: clock,
        compilation: compilation)
    }
    let (previousSequence, previousHash) = try head()
    let sequence = previousSequence + 1
    // Each posting links its two accounts back to the entries that last moved them in its
    // asset; the links are read for every posting before any posting of this entry moves them.
    var rows: [(from: Int64, to: Int64, fromPrevious: Int64, toPrevious: Int64)] = []
    rows.reserveCapacity(compilation.postings.count)
    for posting in compilation.postings {
      precondition(!posting.amount.isZero, "zero postings are not written")
      let fromId = try ensureAccount(posting.from)
      let toId = try ensureAccount(posting.to)
      rows.append(
        (
          fromId, toId, try storedBalance(accountId: fromId, asset: posting.asset).lastEntry,
          try storedBalance(accountId: toId, asset: posting.asset).lastEntry
        ))
    }
    for (posting, row) in zip(compilation.postings, rows) {
      try addToBalance(
        accountId: row.from, account: posting.from, asset: posting.asset,
        SignedAmount(posting.amount).negated, entry: sequence)
      try addToBalance(
        accountId: row.to, account: posting.to, asset: posting.asset, SignedAmount(posting.amount),
        entry: sequence)
    }
    for effect in compilation.effects { try write(effect) }
    // Only a replay of a migrated journal writes format-1 entries (as that journal has them).
    let format = format(of: sequence)
    let hashed =
      format == .two
      ? payload
      : try formatOnePayload(payload, id: idempotencyId, postings: compilation.postings)
    let fields = HashChain.EntryFields(
      sequence: sequence, idempotencyId: idempotencyId, kind: kind.rawValue, asset: asset,
      payload: hashed,
      clock: clock)
    let digest = HashChain.digest(
      format: format, previous: previousHash, entry: fields, postings: compilation.postings)
    cache.head = (sequence, HashChain.hex(digest))
    guard recordsEntries else { return sequence }
    try statements.writeEntry(
      sequence: sequence, idempotencyId: idempotencyId, kind: kind, asset: asset,
      payload: hashed, clock: clock, hash: Array(digest))
    for (index, posting) in compilation.postings.enumerated() {
      try statements.writePosting(
        sequence: sequence, index: index, posting, accounts: rows[index])
    }
    return sequence
  }

  /// Appends the `formatChange` entry that starts format 2 in a migrated journal: the journal
  /// must be at its last format-1 entry.
  func appendFormatChange() throws {
    let sequence = try nextSequence()
    precondition(sequence == format2From, "formatChange is the first format-2 entry")
    _ = try append(
      kind: .formatChange, idempotencyId: nil, asset: nil,
      payload: Self.formatChangePayload, clock: Clock(), compilation: Compilation())
  }

  static let formatChangePayload = #"{"format":2,"op":"formatChange"}"#

  /// A format-1 payload (the canonical JSON with the id) from a format-2 one.
  private func formatOnePayload(_ payload: String?, id: String?, postings: [Posting]) throws
    -> String
  {
    let transfer = postings.first.map {
      StoredPayload.TransferPosting(
        asset: $0.asset, from: $0.from.holder, to: $0.to.holder, amount: $0.amount)
    }
    return try StoredPayload.operationText(
      format2: true, id: id, stored: payload, transfer: payload == nil ? transfer : nil,
      decimals: { try self.requireDecimals($0) })
  }

  func requireDecimals(_ asset: String) throws -> Int {
    guard let definition = try assetDefinition(asset) else {
      throw DatabaseError(resultCode: 11, message: "an entry names unknown asset \(asset)")
    }
    return definition.decimals
  }

  /// Writes every balance changed since the last flush, in key order (neighbouring rows share
  /// B-tree pages). A balance moved by many operations of a batch is written once.
  func flushBalances() throws {
    guard !cache.dirty.isEmpty else { return }
    let keys = cache.dirty.sorted { ($0.accountId, $0.asset) < ($1.accountId, $1.asset) }
    try statements.writeBalances(
      keys.map { key in
        guard let balance = cache.balances[key] else {
          preconditionFailure("a dirty balance is cached until it is written")
        }
        return (key.accountId, key.asset, balance.amount, balance.lastEntry)
      })
    cache.dirty.removeAll(keepingCapacity: true)
  }

  /// Runs `body` in a savepoint: on error its changes are undone, cached state included, and
  /// the error is rethrown. Balances changed before it are written first, so that rolling back
  /// the savepoint's cache loses nothing of theirs.
  func savepoint<T>(_ body: () throws -> T) throws -> T {
    try flushBalances()
    let headBefore = try head()
    do {
      return try database.savepoint {
        let result = try body()
        try flushBalances()
        return result
      }
    } catch {
      forgetUncommitted()
      cache.head = headBefore
      throw error
    }
  }

  func ensureAccount(_ account: Account) throws -> Int64 {
    if let id = try accountId(account) { return id }
    let id = try statements.createAccount(account)
    accountIds[account] = id
    cache.missingAccounts.remove(account)
    cache.createdAccounts.insert(id)
    return id
  }

  func addToBalance(
    accountId: Int64, account: Account, asset: String, _ delta: SignedAmount, entry: Int64
  ) throws {
    let current = try storedBalance(accountId: accountId, asset: asset).amount
    // A holder's balance stays within 2^128 − 1; a system account's counter may pass it
    // (see SignedAmount), up to 2^256 − 1.
    guard let next = current.adding(delta), account.isSystem || next.fitsIn128Bits else {
      throw LedgerError(.amountOverflow, "\(account) would exceed 2^128 - 1 base units of \(asset)")
    }
    // The compiler checked every holder's funds; a negative holder here is a bug.
    precondition(
      account.isSystem || !next.isNegative,
      "holder account \(account) would go negative in \(asset)")
    let key = TransactionCache.BalanceKey(accountId: accountId, asset: asset)
    cache.balances[key] = TransactionCache.Balance(amount: next, lastEntry: entry)
    cache.dirty.insert(key)
    if case .staked(let validator) = account.bucket {
      try addToValidatorStake(asset: asset, validator: validator, delta)
    }
  }

  /// Keeps `validators.stake` equal to the sum of the staked buckets on the validator.
  private func addToValidatorStake(asset: String, validator: String, _ delta: SignedAmount) throws {
    guard let text = try database.validatorStake(asset: asset, validator: validator) else {
      preconditionFailure("stake moved on unregistered validator \(validator)")
    }
    guard let current = SignedAmount(text: text), let next = current.adding(delta), !next.isNegative
    else {
      throw DatabaseError(
        resultCode: 11, message: "stake of validator \(validator) in \(asset) is inconsistent")
    }
    try database.setValidatorStake(next, asset: asset, validator: validator)
  }

  /// Writes what `effect` records, and forgets what the caches knew of it.
  private func write(_ effect: Effect) throws {
    try database.write(effect)
    switch effect {
    case .defineAsset(let definition): assetCache[definition.symbol] = definition
    case .setPaused(let asset, _): cache.assets[asset] = nil
    default: break
    }
  }
}
