/// The only writer of ledger state. Applies one operation at a time inside the caller's
/// transaction: checks idempotency, advances the asset's clock (writing matured unbonding and
/// expired holds as entries of their own), compiles the operation into postings, updates the
/// materialized balances and appends the hash-chained entry. Any thrown error leaves the
/// transaction for the caller to roll back, so nothing is ever half-applied.
final class Journal {
  let database: Database
  /// Account ids by account; ids are never reused, so a cached id stays right unless the
  /// transaction that created it rolls back (``forgetUncommitted()``).
  var accountIds: [Account: Int64] = [:]
  var assetCache: [String: AssetDefinition] = [:]
  let statements: JournalStatements
  /// The statements that write an entry under the write lock, by shape (``LateLockShape``).
  var lateLockStatements: [LateLockShape: PreparedStatement] = [:]
  var cache = TransactionCache()
  /// Addresses as written → their canonical form, per scheme. Normalizing is pure and an
  /// EIP-55 checksum costs a Keccak-256 (~4 µs), while a ledger sees the same addresses again
  /// and again. Bounded: emptied when full.
  var normalizedAddresses: [AddressKey: String] = [:]

  struct AddressKey: Hashable {
    let scheme: AddressScheme
    let text: String
  }

  /// False for a replay's scratch ledger: entries and postings are compiled and hashed but not
  /// stored (nothing reads them back there), so a replay writes only the state tables. The
  /// head then lives here, promoted from the transaction's cache when it commits.
  private(set) var recordsEntries = true
  /// The head as of the last commit, for a journal that does not store its entries.
  private(set) var committedHead: (sequence: Int64, hash: String) = (0, HashChain.genesis)

  /// Stops storing entries and postings; only on a new, empty ledger.
  func stopRecordingEntries() throws {
    let sequence = try head().sequence
    precondition(sequence == 0, "only a new ledger may stop recording its journal")
    recordsEntries = false
  }

  /// The highest head sequence this journal has seen committed, by any writer: the ledger's
  /// head is at least this (``tentativeHead()``).
  private(set) var committedHeadAtLeast: Int64 = 0

  /// Called once a write transaction has committed.
  func didCommit() {
    if !recordsEntries, let head = cache.head { committedHead = head }
    if let head = cache.head { committedHeadAtLeast = max(committedHeadAtLeast, head.sequence) }
  }

  /// The first entry written in journal format 2 (1 for a ledger created in it); the entries
  /// before it are format 1 (``JournalFormat``).
  private(set) var format2From: Int64

  init(database: Database) throws {
    self.database = database
    self.statements = try JournalStatements(database)
    self.format2From = try database.format2From()
  }

  /// The format entry `sequence` is (or will be) written in.
  func format(of sequence: Int64) -> JournalFormat { sequence < format2From ? .one : .two }

  /// A replay's journal is written as the journal it replays: format 1 before `sequence`, as a
  /// migrated journal was. Only on an empty journal.
  func hashAsFormat2(from sequence: Int64) throws {
    let empty = try head().sequence == 0
    precondition(empty, "only an empty journal takes another's format")
    if recordsEntries {
      try database.setFormat2From(sequence)
    }
    format2From = sequence
  }

  /// Called as a transaction begins: another process may have written since the last one.
  func beginTransaction() {
    cache.removeAll()
  }

  /// Drops caches that may hold rows of a rolled-back transaction or savepoint.
  func forgetUncommitted() {
    accountIds.removeAll(keepingCapacity: true)
    assetCache.removeAll(keepingCapacity: true)
    cache.removeAll()
  }

  /// The result of applying one operation.
  enum Outcome: Sendable, Equatable {
    /// Written as entry `sequence`.
    case applied(sequence: Int64)
    /// Nothing written: the id was seen with an equal operation (first entry `sequence`), or
    /// the operation changes nothing (an identical `defineAsset`).
    case unchanged(sequence: Int64?)
  }

  /// Decodes and applies one JSON operation object (id check first, as the contract says).
  func apply(object: [String: JSONValue], allowExpectError: Bool) throws -> Outcome {
    // Decoded before the id is looked up, so that the lookup travels with the operation's
    // other reads (``readAhead(for:)``); the id still decides first which error is reported.
    let decoded = Result {
      try Operation.decode(object, context: self, allowExpectError: allowExpectError)
    }
    if case .success(let operation) = decoded { try readAhead(for: operation) }
    guard case .string(let id)? = object["id"], let first = try entry(idempotencyId: id) else {
      return try apply(decoded.get(), firstUse: nil)
    }
    switch decoded {
    case .success(let operation):
      return try apply(operation, firstUse: first)
    case .failure(let error):
      guard let error = error as? LedgerError else { throw error }
      throw LedgerError(
        .duplicateId,
        "id '\(id.truncatedForMessage)' was used by entry \(first.sequence); this operation differs (\(error.message))"
      )
    }
  }

  /// An operation the decoder produced from a stored journal's object (replay: the stored
  /// journal's assets are the replayed ones): validated and normalised there, so it is applied
  /// as it is, its id checked first, without a second decode.
  func apply(decoded operation: Operation) throws -> Outcome {
    try readAhead(for: operation)
    let first = try operation.id.flatMap { try entry(idempotencyId: $0) }
    return try apply(operation, firstUse: first)
  }

  /// A typed operation (``Ledger/apply(_:mode:)``, the imports) goes through the
  /// decoder `apply` lines go through, as the object it stands for: one place validates and
  /// normalises every operation whatever its way in (addresses in their scheme's canonical
  /// form, heights within ``Limits/heightMax``, ids, names, shares), so that what is stored
  /// is what `export` writes and `replay` and `apply` read back.
  func apply(_ operation: Operation) throws -> Outcome {
    // An unknown asset has no decimals: the decoder reports it before any amount is read.
    let decimals = (try? payloadDecimals(operation)) ?? 0
    let others = (try? namedDecimals(operation)) ?? [:]
    return try apply(
      object: Dictionary(operation.jsonFields(decimals: decimals, others: others)) { first, _ in
        first
      },
      allowExpectError: false)
  }

  /// Applies `operation`, whose id (if any) the caller has looked up: `firstUse` is the entry
  /// that used it first, nil when none did.
  private func apply(
    _ operation: Operation, firstUse: (sequence: Int64, payload: String)?
  ) throws -> Outcome {
    if let id = operation.id, let first = firstUse {
      let decimals = try payloadDecimals(operation)
      let others = try namedDecimals(operation)
      guard operation.canonicalPayload(decimals: decimals, others: others) == first.payload else {
        throw LedgerError(
          .duplicateId,
          "\(operation.kind): id '\(id.truncatedForMessage)' was used by entry \(first.sequence) for a different operation"
        )
      }
      return .unchanged(sequence: first.sequence)
    }
    if case .defineAsset(let definition) = operation.action,
      let existing = try assetDefinition(definition.symbol)
    {
      guard existing == definition else {
        throw LedgerError(
          .invalidOperation, "defineAsset: \(definition.symbol) is already defined differently")
      }
      return .unchanged(sequence: nil)
    }
    if case .tick(nil) = operation.action {
      return try applyTickOfEveryAsset(operation)
    }
    let named = try namedAssets(operation)
    let definition = try named?.first ?? operationAsset(operation)
    if case .price = operation.action, operation.height == nil, operation.time == nil {
      throw LedgerError(.invalidOperation, "price: a price needs its 'height' or 'time'")
    }
    // A price is a fact about its own height and time, which may be long past (a price file
    // imported later): it neither checks nor moves the asset's clock.
    let isPrice: Bool = if case .price = operation.action { true } else { false }
    let clock =
      isPrice
      ? Clock(height: operation.height, time: operation.time)
      : try advanceClock(of: definition, to: operation)
    // Every other asset the operation moves is dated by it too (contract, "Cross-asset").
    for other in named?.dropFirst() ?? [] { _ = try advanceClock(of: other, to: operation) }
    let sequence = try nextSequence()
    let compiler = PostingCompiler(state: self, asset: definition, clock: clock, sequence: sequence)
    let compilation = try compiler.compile(operation)
    // A transfer its posting states in full stores no payload (format 2; see StoredPayload).
    let payload =
      StoredPayload.isStatedByPosting(operation, compilation.postings)
      ? nil
      : operation.canonicalPayloadWithoutId(
        decimals: definition.decimals, others: Self.decimals(of: named))
    // A definition may still set its asset's clock after its entry.
    var endsOperation = true
    if case .defineAsset = operation.action { endsOperation = false }
    let written = try append(
      kind: operation.kind.entryKind, idempotencyId: operation.id, asset: definition.symbol,
      payload: payload, clock: clock, compilation: compilation, endsOperation: endsOperation)
    if case .defineAsset = operation.action, clock != Clock() {
      try setClock(clock, of: definition.symbol)
    }
    return .applied(sequence: written)
  }

  /// The asset an operation is dated by: its own, or its hold's for settle and void.
  private func operationAsset(_ operation: Operation) throws -> AssetDefinition {
    switch operation.action {
    case .defineAsset(let definition):
      return definition
    case .settle(let hold, _), .void(let hold):
      guard let record = try self.hold(hold), let definition = try assetDefinition(record.asset)
      else {
        throw LedgerError(
          .unknownHold, "\(operation.kind): unknown hold '\(hold.truncatedForMessage)'")
      }
      return definition
    default:
      guard let symbol = operation.assetSymbol, let definition = try assetDefinition(symbol) else {
        throw LedgerError(
          .unknownAsset, "\(operation.kind): unknown asset '\(operation.assetSymbol ?? "")'")
      }
      return definition
    }
  }

  func payloadDecimals(_ operation: Operation) throws -> Int {
    switch operation.action {
    case .tick(nil): 0
    default: try namedAssets(operation)?.first?.decimals ?? operationAsset(operation).decimals
    }
  }

  /// The decimals of every asset an operation names (`Operation.namedAssets`); empty for
  /// one that names a single asset directly.
  func namedDecimals(_ operation: Operation) throws -> [String: Int] {
    Self.decimals(of: try namedAssets(operation))
  }

  static func decimals(of assets: [AssetDefinition]?) -> [String: Int] {
    guard let assets else { return [:] }
    return Dictionary(assets.map { ($0.symbol, $0.decimals) }) { first, _ in first }
  }

  /// The assets an operation names, the dating one first; nil for one named directly.
  func namedAssets(_ operation: Operation) throws -> [AssetDefinition]? {
    try operation.namedAssets(
      definition: { try self.assetDefinition($0) },
      subnet: { try self.subnetAsset(netuid: $0, verb: operation.kind.rawValue) })
  }

  /// The one alpha asset of subnet `netuid`.
  func subnetAsset(netuid: Int, verb: String) throws -> AssetDefinition {
    try Subnet.only(try subnetAssets(netuid: netuid), netuid: netuid, verb: verb)
  }

  /// A tick without an asset advances every asset's time (heights of different chains cannot
  /// be compared, so it takes no height) and is written as one entry.
  private func applyTickOfEveryAsset(_ operation: Operation) throws -> Outcome {
    guard operation.height == nil, let time = operation.time else {
      throw LedgerError(
        .invalidOperation, "tick: without an asset it takes a 'time' and no 'height'")
    }
    for definition in try allAssets() {
      _ = try advanceClock(
        of: definition, to: Operation(time: time, action: .tick(asset: definition.symbol)))
    }
    let written = try append(
      kind: .tick, idempotencyId: operation.id, asset: nil,
      payload: operation.canonicalPayloadWithoutId(decimals: 0), clock: Clock(time: time),
      compilation: Compilation(), endsOperation: true)
    return .applied(sequence: written)
  }
}
