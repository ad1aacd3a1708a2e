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
    let target = try Self.replayTarget(path)
    var failures: [String] = []
    var lastSequence: Int64 = 0
    var lastOperation: Int64 = 0
    /// Entries the cut keeps: equal to `lastSequence` when it keeps a prefix of the journal.
    var entriesKept: Int64 = 0
    let feed = ReplayFeed(target)
    // On any error below the applier drains what it was given and stops.
    defer { feed.channel.close() }
    // One read snapshot for the stored side: the journal replayed, the balances, the head and
    // the digest it is compared with, so that a concurrent writer cannot produce a difference.
    let stored: StoredSide = try read { journal in
      try Self.requireEntry(point, journal)
      // A migrated journal: the replay hashes its entries as they were hashed.
      try target.write { try $0.hashAsFormat2(from: journal.format2From) }
      try journal.database.forEachStoredOperation(upTo: point) { row in
        lastSequence = row.sequence
        entriesKept += 1
        let kind = row.kind
        if kind == EntryKind.formatChange.rawValue {
          try feed.flush(progress)
          try feed.send(.formatChange, progress)
          return
        }
        guard !Self.derivedEntryKinds.contains(kind) else { return }
        lastOperation = lastSequence
        let operation: Operation
        switch try Self.decodeForReplay(row, journal) {
        case .success(let decoded): operation = decoded
        case .failure(let failure):
          // An operation that does not decode is counted as re-applied, as one that fails
          // when applied is; a payload that is not an object is not.
          if failure.counts { feed.operations += 1 }
          failures.append("entry \(lastSequence) (\(kind)): \(failure.message)")
          return
        }
        try feed.add(
          ReplayItem.Operation(sequence: lastSequence, kind: kind, operation: operation), progress)
      }
      try feed.flush(progress)
      feed.channel.close()
      failures += try feed.applier.wait().failures
      return try Self.storedSide(
        journal, point, lastOperation: lastOperation, lastSequence: lastSequence,
        entriesKept: entriesKept)
    }
    return try compare(
      with: target, stored: stored, operations: feed.operations, failures: failures)
  }

  /// The stored operations are read and rebuilt on the replay's thread while another applies
  /// them to the target (a bounded channel of batches between the two): the reading, about a
  /// third of a replay, runs beside the applying. The target is another connection with its
  /// own lock; batches of 10,000 bound the memory held.
  private final class ReplayFeed {
    let channel = BatchChannel<ReplayItem>(capacity: 2)
    let applier = BackgroundWork<ReplayApplied>()
    private var batch: [ReplayItem.Operation] = []
    /// Operations sent to the applier, and those counted as re-applied without it.
    var operations = 0

    init(_ target: Ledger) {
      let channel = channel
      applier.start { try Ledger.apply(channel, to: target) }
    }

    func add(_ operation: ReplayItem.Operation, _ progress: (Int) -> Void) throws {
      batch.append(operation)
      if batch.count == 10_000 { try flush(progress) }
    }

    func send(_ item: ReplayItem, _ progress: (Int) -> Void) throws {
      guard channel.send(item) else {
        // The applier stopped on an error: it says which.
        _ = try applier.wait()
        throw DatabaseError(resultCode: 1, message: "replay: the replayed ledger stopped")
      }
      if case .operations(let items) = item { operations += items.count }
      progress(operations)
    }

    func flush(_ progress: (Int) -> Void) throws {
      guard !batch.isEmpty else { return }
      try send(.operations(batch), progress)
      batch.removeAll(keepingCapacity: true)
    }
  }

  /// The ledger a replay builds: at `path` (which must be new), or in memory keeping only the
  /// state (its entries and postings are hashed but not stored: a million-entry journal would
  /// otherwise hold ~0.5 GB, and nothing of it touches a disk).
  private static func replayTarget(_ path: String?) throws -> Ledger {
    let target = try Ledger.open(at: path ?? ":memory:", create: true, durability: .normal)
    if path == nil { try target.stopRecordingEntries() }
    if let path {
      guard try target.summary().entries == 0 else {
        throw FileError(
          path: Ledger.displayPath(for: path), reason: "replay needs a new, empty ledger file")
      }
    }
    return target
  }

  /// Why a stored operation cannot be replayed, and whether it counts as re-applied.
  private struct ReplayFailure: Error {
    let message: String
    let counts: Bool
  }

  /// A stored operation decoded, here beside the applier (the stored journal's assets are the
  /// replayed ones; an operation naming an asset before its definition still fails when
  /// applied).
  private static func decodeForReplay(_ row: Database.StoredOperation, _ journal: Journal)
    throws -> Result<Operation, ReplayFailure>
  {
    guard let object = try? journal.operationObject(row) else {
      return .failure(ReplayFailure(message: "payload is not a JSON object", counts: false))
    }
    do {
      return .success(try Operation.decode(object, context: journal))
    } catch let error as LedgerError {
      return .failure(
        ReplayFailure(message: "\(error.code.rawValue): \(error.message)", counts: true))
    }
  }

  /// The stored side a replay up to `point` is compared with. A cut at entry N compares with
  /// the stored state after the last operation at or before N: entries the clock derives are
  /// written just before the operation that moves the clock, so derived entries at the very
  /// end of the cut belong to an operation after it. A cut by height or time keeps a
  /// subsequence when assets' entries interleave (their heights are different chains'): the
  /// stored chain then holds entries the replay does not, and only the states compare.
  private static func storedSide(
    _ journal: Journal, _ point: PointInTime, lastOperation: Int64, lastSequence: Int64,
    entriesKept: Int64
  ) throws -> StoredSide {
    let isCut: Bool = if case .sequence = point { true } else { false }
    let comparedPoint = isCut ? PointInTime.sequence(lastOperation) : point
    let comparedSequence = isCut ? lastOperation : lastSequence
    let head = try journal.database.storedHashHex(ofEntry: comparedSequence)
    return StoredSide(
      balances: try Self.bucketBalances(journal, at: comparedPoint),
      headHash: head ?? HashChain.genesis,
      headsComparable: isCut || entriesKept == lastSequence,
      stateDigest: try journal.storedStateDigest(at: comparedPoint))
  }

  /// The stored state a replay is compared with, read in the replay's one snapshot.
  private struct StoredSide {
    let balances: [BucketKey: SignedAmount]
    let headHash: String
    let headsComparable: Bool
    let stateDigest: String
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
      headsComparable: stored.headsComparable, differences: differences, failures: failures)
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
    try LedgerSnapshot(journal).forEachBucketBalance(at: point) { account, asset, amount in
      result[
        BucketKey(asset: asset, holder: account.holder, bucket: account.bucket.description)] =
        amount
    }
    return result
  }

  /// Applies the channel's batches to the replay's target until it closes: one atomic
  /// transaction per batch (a journal replays clean almost always), and only a batch with a
  /// failing operation again with a savepoint per operation, which names each failure and
  /// applies the rest.
  private static func apply(_ channel: BatchChannel<ReplayItem>, to target: Ledger) throws
    -> ReplayApplied
  {
    var failures: [String] = []
    do {
      while let item = channel.receive() {
        switch item {
        case .formatChange:
          try target.write { try $0.appendFormatChange() }
        case .operations(let batch):
          let operations = batch.map(\.operation)
          let results: [ApplyResult]
          do {
            results = try target.apply(decoded: operations, mode: .atomic)
          } catch is LedgerError {
            results = try target.apply(decoded: operations, mode: .independent)
          }
          for (item, result) in zip(batch, results) {
            if case .failed(let error) = result {
              failures.append(
                "entry \(item.sequence) (\(item.kind)): \(error.code.rawValue): \(error.message)")
            }
          }
        }
      }
    } catch {
      channel.cancel()
      throw error
    }
    return ReplayApplied(failures: failures)
  }
}

/// What the replay's reader hands its applier.
enum ReplayItem: Sendable {
  struct Operation: Sendable {
    let sequence: Int64
    let kind: String
    let operation: TokenLedger.Operation
  }
  case operations([Operation])
  /// The boundary of a migrated journal: the applier writes the formatChange entry there.
  case formatChange
}

/// What the replay's applier reports when the channel closes.
struct ReplayApplied: Sendable {
  let failures: [String]
}
