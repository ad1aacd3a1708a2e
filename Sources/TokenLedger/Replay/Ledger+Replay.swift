extension Ledger {
  /// Rebuilds the state from the journal alone: every stored operation (not its postings) is
  /// re-validated and re-compiled into a fresh ledger, up to `point`, and the result is compared
  /// bucket by bucket with the stored state (the materialized balances for `.now`, the sums of
  /// postings up to the point otherwise). Read-only for this ledger.
  ///
  /// - Parameters:
  ///   - point: where to stop; entries after it are not replayed.
  ///   - path: where to build the replayed ledger, journal and all (must be new); when nil,
  ///     only the replayed state is kept, in memory.
  ///   - progress: called after every batch of 10,000 operations with the number replayed.
  public func replay(
    until point: PointInTime = .now, into path: String? = nil,
    progress: (Int) -> Void = { _ in }
  ) throws -> ReplayReport {
    // Without a path the replay is built in memory and keeps only the state: its entries and
    // postings are hashed but not stored (a million-entry journal would otherwise hold
    // ~0.5 GB), and nothing of it touches a disk.
    let target = try Ledger.open(at: path ?? ":memory:", create: true, durability: .normal)
    if path == nil { try target.stopRecordingEntries() }
    if let path {
      guard try target.summary().entries == 0 else {
        throw FileError(path: path, reason: "replay needs a new, empty ledger file")
      }
    }
    var operations = 0
    var failures: [String] = []
    var lastSequence: Int64 = 0
    var lastOperation: Int64 = 0
    var batch: [(Int64, String, [String: JSONValue])] = []
    func flush() throws {
      guard !batch.isEmpty else { return }
      let objects = batch.map(\.2)
      // A journal replays clean almost always: one atomic transaction per batch, and only a
      // batch with a failing operation again with a savepoint per operation, which names each
      // failure and applies the rest.
      let results: [ApplyResult]
      do {
        results = try target.apply(objects: objects, mode: .atomic)
      } catch is LedgerError {
        results = try target.apply(objects: objects, mode: .independent)
      }
      for (item, result) in zip(batch, results) {
        if case .failed(let error) = result {
          failures.append("entry \(item.0) (\(item.1)): \(error.code.rawValue): \(error.message)")
        }
      }
      operations += batch.count
      batch.removeAll(keepingCapacity: true)
      progress(operations)
    }
    // One read snapshot for the stored side: the journal replayed, the balances, the head and
    // the digest it is compared with, so that a concurrent writer cannot produce a difference.
    let stored: StoredSide = try read { journal in
      try Self.requireEntry(point, journal)
      let (filter, value) = Self.entryFilter(point)
      // A migrated journal: the replay hashes its entries as they were hashed.
      try target.write { try $0.hashAsFormat2(from: journal.format2From) }
      try journal.database.forEachRow(
        """
        SELECT \(Journal.operationColumns) FROM entries e \(StoredPayload.transferJoin)
        WHERE \(filter) ORDER BY e.seq
        """, [value]
      ) { row in
        lastSequence = row.integer(0)!
        let kind = row.text(2) ?? ""
        if kind == EntryKind.formatChange.rawValue {
          try flush()
          try target.write { try $0.appendFormatChange() }
          return
        }
        guard !Self.derivedEntryKinds.contains(kind) else { return }
        lastOperation = lastSequence
        guard let object = try? journal.operationObject(row) else {
          failures.append("entry \(lastSequence) (\(kind)): payload is not a JSON object")
          return
        }
        batch.append((lastSequence, kind, object))
        // The target is another connection with its own lock; batches bound the memory held.
        if batch.count == 10_000 { try flush() }
      }
      try flush()
      // A cut at entry N compares with the stored state after the last operation at or before
      // N: entries the clock derives are written just before the operation that moves the
      // clock, so derived entries at the very end of the cut belong to an operation after it.
      let isCut: Bool = if case .sequence = point { true } else { false }
      let comparedPoint = isCut ? PointInTime.sequence(lastOperation) : point
      let comparedSequence = isCut ? lastOperation : lastSequence
      let head =
        try journal.database.firstRow(
          "SELECT hash FROM entries WHERE seq = ?", [.integer(comparedSequence)]
        ) { $0.hashHex(0) } ?? nil
      return StoredSide(
        balances: try Self.bucketBalances(journal, at: comparedPoint),
        headHash: head ?? HashChain.genesis,
        stateDigest: try journal.storedStateDigest(at: comparedPoint))
    }
    return try compare(with: target, stored: stored, operations: operations, failures: failures)
  }

  /// The stored state a replay is compared with, read in the replay's one snapshot.
  private struct StoredSide {
    let balances: [BucketKey: SignedAmount]
    let headHash: String
    let stateDigest: String
  }

  static func entryFilter(_ point: PointInTime) -> (String, SQLValue) {
    switch point {
    case .now: ("?", .integer(1))
    case .sequence(let sequence): ("e.seq <= ?", .integer(sequence))
    case .height(let height): ("(e.height IS NULL OR e.height <= ?)", .integer(height))
    case .time(let time): ("(e.time IS NULL OR e.time <= ?)", .integer(time))
    }
  }

  private func compare(
    with target: Ledger, stored: StoredSide, operations: Int, failures: [String]
  ) throws -> ReplayReport {
    let replayed = try target.bucketBalances(at: .now)
    var differences: [ReplayDifference] = []
    for key in Set(replayed.keys).union(stored.balances.keys).sorted() {
      let left = stored.balances[key] ?? .zero
      let right = replayed[key] ?? .zero
      guard left != right else { continue }
      let decimals = try asset(key.asset)?.decimals ?? 0
      differences.append(
        ReplayDifference(
          account: key.holder, asset: key.asset, bucket: key.bucket,
          stored: left.formatted(decimals: decimals), replayed: right.formatted(decimals: decimals))
      )
    }
    let replayedSummary = try target.summary()
    return ReplayReport(
      operations: operations, entries: replayedSummary.entries,
      stateDigest: replayedSummary.stateDigest,
      storedStateDigest: stored.stateDigest,
      headHash: replayedSummary.headHash, storedHeadHash: stored.headHash,
      differences: differences, failures: failures)
  }

  struct BucketKey: Hashable, Comparable {
    let asset: String
    let holder: String
    let bucket: String
    static func < (lhs: BucketKey, rhs: BucketKey) -> Bool {
      (lhs.asset, lhs.holder, lhs.bucket) < (rhs.asset, rhs.holder, rhs.bucket)
    }
  }

  /// Every non-zero bucket balance, system accounts included: materialized for `.now`, summed
  /// from the postings up to the point otherwise.
  func bucketBalances(at point: PointInTime) throws -> [BucketKey: SignedAmount] {
    try read { journal in try Self.bucketBalances(journal, at: point) }
  }

  /// The same, inside a transaction the caller holds.
  static func bucketBalances(_ journal: Journal, at point: PointInTime) throws
    -> [BucketKey: SignedAmount]
  {
    var result: [BucketKey: SignedAmount] = [:]
    try journal.forEachBucketBalance(at: point) { account, asset, amount in
      result[
        BucketKey(asset: asset, holder: account.holder, bucket: account.bucket.description)] =
        amount
    }
    return result
  }
}
