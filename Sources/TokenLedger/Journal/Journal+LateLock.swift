/// Writing one operation's entry with the write lock held only by the server (PostgreSQL).
///
/// Every writer of a ledger appends to one hash chain, so a write transaction holds the
/// ledger's write lock from the head it reads to its COMMIT. On PostgreSQL the client's work
/// sits inside that hold: the server answers the reads, the client compiles and hashes the
/// entry, the server takes the writes; with many writers the lock, not the server, is what
/// they wait for. A single operation therefore first runs without the lock
/// (``Database/writeTransaction(lockLate:_:)``): its reads are made and its postings compiled as
/// usual, and its entry goes to the server as one statement that travels with the lock and the
/// COMMIT and, under the lock, checks that what the operation read is still so, numbers the
/// entry after the head it finds and chains its hash (SHA-256 over the same canonical bytes,
/// ``HashChain/format2Prefix``, the previous hash, the sequence field, and the fields after it
/// that the client sends). When a check fails it writes nothing, and the operation runs again
/// with the lock taken first, as does any operation that would make another write (a new
/// account, an effect, a clock, a second entry) or a read the statement cannot check: only
/// reads marked ``Statement/runsBeforeWriteLock`` run without the lock.
///
/// What the statement checks is everything such an operation's outcome rests on: the id is
/// still unused, every balance the transaction read (amount and last entry) and every asset's
/// clock and pause flag are unchanged. The sequence number is the one thing the compilation
/// sees that may differ, and it names only effects' records (unbonding entries), which this path
/// does not write.
extension Journal {
  /// Whether an operation of `kind` is usually written without taking the write lock first:
  /// one that moves balances and writes nothing else (a transfer, a burn). Others (a mint sums
  /// the system accounts for the supply cap, an approval writes an allowance, staking writes
  /// records) would only find that they need it; any operation still takes it when it must.
  static func writesBeforeLock(_ kind: EntryKind) -> Bool {
    kind == .transfer || kind == .burn
  }

  /// Writes the operation's entry, postings and balances with one statement that takes the
  /// write lock and commits; returns the entry's sequence number. Throws
  /// ``DatabaseError/needsWriteLock(_:_:)`` when the operation cannot be written this way, or
  /// when what it read changed before the lock was taken (then nothing was written).
  func appendTakingLock(
    kind: EntryKind, idempotencyId: String?, asset: String?, payload: String?, clock: Clock,
    compilation: Compilation
  ) throws -> Int64 {
    let tentative = try tentativeHead()
    guard recordsEntries, format(of: tentative + 1) == .two,
      compilation.effects.isEmpty, cache.dirty.isEmpty
    else { throw DatabaseError.needsWriteLock(nil, "\(kind): writes more than an entry") }
    let rows = try lateLockPostingRows(kind, compilation)
    // Everything read, as read: nothing is written yet (`dirty` is empty).
    let readBalances = cache.balances.sorted {
      ($0.key.accountId, $0.key.asset) < ($1.key.accountId, $1.key.asset)
    }
    let readAssets = cache.assets.sorted { $0.key < $1.key }
    for (posting, row) in zip(compilation.postings, rows) {
      try addToBalance(
        accountId: row.from, account: posting.from, asset: posting.asset,
        SignedAmount(posting.amount).negated, entry: tentative + 1)
      try addToBalance(
        accountId: row.to, account: posting.to, asset: posting.asset,
        SignedAmount(posting.amount), entry: tentative + 1)
    }
    // A balance read with a last entry has a row (rows are never deleted), which the statement
    // updates in place; any other may have none yet and is inserted or updated. An UPDATE takes
    // no separate row lock, as INSERT … ON CONFLICT does (one WAL record fewer a balance).
    let lastEntries = Dictionary(
      uniqueKeysWithValues: readBalances.map { ($0.key, $0.value.lastEntry) })
    let written = cache.dirty.sorted { ($0.accountId, $0.asset) < ($1.accountId, $1.asset) }
    let updated = written.filter { (lastEntries[$0] ?? 0) > 0 }
    let upserted = written.filter { (lastEntries[$0] ?? 0) == 0 }
    cache.dirty.removeAll(keepingCapacity: true)

    let shape = LateLockShape(
      checksId: idempotencyId != nil, balancesRead: readBalances.count,
      assetsRead: readAssets.count, postings: rows.count, balancesUpdated: updated.count,
      balancesUpserted: upserted.count)
    let fields = HashChain.EntryFields(
      sequence: 0, idempotencyId: idempotencyId, kind: kind.rawValue, asset: asset,
      payload: payload,
      clock: clock)
    let fieldsAfterSequence = HashChain.fieldsAfterSequence(
      of: fields, postings: compilation.postings)
    var values = lateLockReadSet(idempotencyId, readBalances, readAssets)
    values += [
      idempotencyId.map(database.storedId) ?? .null, .text(kind.rawValue), SQLValue(asset),
      SQLValue(payload), SQLValue(clock.height), SQLValue(clock.time),
      .blob(HashChain.format2Prefix), .blob(fieldsAfterSequence),
    ]
    for (index, (posting, row)) in zip(compilation.postings, rows).enumerated() {
      values += [
        .integer(Int64(index)), .text(posting.asset), .integer(row.from), .integer(row.to),
        .text(posting.amount.description), .integer(row.fromPrevious), .integer(row.toPrevious),
      ]
    }
    for key in updated + upserted {
      guard let balance = cache.balances[key] else {
        preconditionFailure("a moved balance is cached")
      }
      values += [.integer(key.accountId), .text(key.asset), .text(balance.amount.description)]
    }
    let sequence = try commitLateLock(
      kind, try lateLockStatement(shape), values, tentative: tentative,
      fieldsAfterSequence: fieldsAfterSequence)
    return sequence
  }

  /// Each posting's two account ids and the entries that last moved them; every account must
  /// exist already (creating one needs the lock).
  private func lateLockPostingRows(_ kind: EntryKind, _ compilation: Compilation) throws -> [(
    from: Int64, to: Int64, fromPrevious: Int64, toPrevious: Int64
  )] {
    var rows: [(from: Int64, to: Int64, fromPrevious: Int64, toPrevious: Int64)] = []
    for posting in compilation.postings {
      precondition(!posting.amount.isZero, "zero postings are not written")
      guard let fromId = try accountId(posting.from), let toId = try accountId(posting.to) else {
        throw DatabaseError.needsWriteLock(nil, "\(kind): creates an account")
      }
      rows.append(
        (
          fromId, toId, try storedBalance(accountId: fromId, asset: posting.asset).lastEntry,
          try storedBalance(accountId: toId, asset: posting.asset).lastEntry
        ))
    }
    return rows
  }

  /// The values the statement checks under the lock: the id, then each balance read (amount
  /// and last entry), then each asset's clock and pause flag read.
  private func lateLockReadSet(
    _ idempotencyId: String?,
    _ readBalances: [(key: TransactionCache.BalanceKey, value: TransactionCache.Balance)],
    _ readAssets: [(key: String, value: TransactionCache.AssetState)]
  ) -> [SQLValue] {
    var values: [SQLValue] = []
    if let idempotencyId { values.append(database.storedId(idempotencyId)) }
    for (key, balance) in readBalances {
      values += [
        .integer(key.accountId), .text(key.asset),
        .text("\(balance.amount.description),\(balance.lastEntry)"),
      ]
    }
    for (symbol, state) in readAssets {
      values += [
        .text(symbol), SQLValue(state.clock.height), SQLValue(state.clock.time),
        .integer(state.paused ? 1 : 0),
      ]
    }
    return values
  }

  /// Runs the statement and checks what the server says it wrote: nothing (a check failed:
  /// run again with the lock), or an entry whose hash is the one the library computes.
  private func commitLateLock(
    _ kind: EntryKind, _ statement: PreparedStatement, _ values: [SQLValue], tentative: Int64,
    fieldsAfterSequence: [UInt8]
  ) throws -> Int64 {
    let returned: (Int64?, [UInt8]?, [UInt8]?)?
    do {
      returned = try statement.firstRowCommitting(
        values,
        {
          (
            $0.integer(0), $0.withBlobBytes(1) { $0.map(Array.init) },
            $0.withBlobBytes(2) { $0.map(Array.init) }
          )
        })
    } catch let error as DatabaseError
      where error.message.contains(LateLockShape.balanceRowsMissing)
    {
      // The statement failed, so its transaction did: nothing was written.
      throw DatabaseError(
        resultCode: 11,
        message:
          "\(kind): PostgreSQL updated fewer balance rows than the read proved exist "
          + "(\(error.message)); nothing was written (run `tokenledger audit`)",
        sql: error.sql, sqlState: error.sqlState)
    }
    guard let (sequence, hash, previous) = returned else {
      // No row: a check failed and nothing was written.
      throw DatabaseError.needsWriteLock(
        nil, "\(kind): what it read changed before it took the write lock")
    }
    // A row: committed. Anything but a sequence and two hashes is corruption, never a retry
    // (which would apply the operation twice).
    guard let sequence, let hash, let previous, previous.count == 32 else {
      throw DatabaseError(
        resultCode: 11,
        message: "PostgreSQL wrote an entry but returned no sequence and hashes for it"
          + " (run `tokenledger audit`)")
    }
    // The server numbered and chained the entry: the library's hash of the same parts (the
    // bytes it sent, after the previous hash and sequence the server chose) must be the one
    // stored, or the audit will report the entry.
    let expected = HashChain.format2Digest(
      previous: previous, sequence: sequence, fieldsAfterSequence: fieldsAfterSequence)
    guard sequence > tentative, Array(expected) == hash else {
      throw DatabaseError(
        resultCode: 11,
        message:
          "PostgreSQL wrote entry \(sequence) with hash \(HashChain.hex(hash)) after "
          + "\(HashChain.hex(previous)); the library computes \(HashChain.hex(expected)) "
          + "(run `tokenledger audit`)")
    }
    cache.head = (sequence, HashChain.hex(hash))
    return sequence
  }

  /// The statement of ``appendTakingLock(kind:idempotencyId:asset:payload:clock:compilation:)``
  /// for an entry of this shape, prepared once per shape.
  private func lateLockStatement(_ shape: LateLockShape) throws -> PreparedStatement {
    if let prepared = lateLockStatements[shape] { return prepared }
    let prepared = try database.prepareLateLock(shape)
    lateLockStatements[shape] = prepared
    return prepared
  }
}
