/// Each asset's clock, and the effects it drives: matured unbonding is released and expired
/// holds are voided by the first operation whose clock reaches them, each as an entry of its
/// own, so that a replay needs no wall clock.
extension Journal {
  /// An asset's clock and pause flag, read once per transaction.
  func assetState(_ symbol: String) throws -> TransactionCache.AssetState {
    if let cached = cache.assets[symbol] { return cached }
    let state =
      try statements.assetState(symbol).map {
        TransactionCache.AssetState(clock: $0.clock, paused: $0.paused)
      } ?? TransactionCache.AssetState(clock: Clock(), paused: false)
    cache.assets[symbol] = state
    return state
  }

  func clock(of symbol: String) throws -> Clock { try assetState(symbol).clock }

  func setClock(_ clock: Clock, of symbol: String) throws {
    try statements.writeClock(clock, of: symbol)
    var state = try assetState(symbol)
    state.clock = clock
    cache.assets[symbol] = state
  }

  /// Checks that the operation is not dated before the asset's clock, moves the clock, and
  /// writes the entries the new time makes due. Returns the clock the operation runs at.
  func advanceClock(of definition: AssetDefinition, to operation: Operation) throws -> Clock {
    if case .defineAsset = operation.action {
      return Clock(height: operation.height, time: operation.time)
    }
    let current = try clock(of: definition.symbol)
    if let height = operation.height, let known = current.height, height < known {
      throw LedgerError(
        .clockBackwards,
        "\(operation.kind): height \(height) is before the \(definition.symbol) clock at \(known)")
    }
    if let time = operation.time, let known = current.time, time < known {
      throw LedgerError(
        .clockBackwards,
        "\(operation.kind): time \(UTCTime.format(time)) is before the \(definition.symbol) clock at \(UTCTime.format(known))"
      )
    }
    let next = Clock(
      height: operation.height ?? current.height, time: operation.time ?? current.time)
    guard next != current else { return next }
    try setClock(next, of: definition.symbol)
    if let time = next.time, time != current.time {
      try releaseDue(definition, clock: next, time: time)
    }
    return next
  }

  private func releaseDue(_ definition: AssetDefinition, clock: Clock, time: Int64) throws {
    for record in try database.maturedUnbonding(asset: definition.symbol, by: time) {
      var compilation = Compilation(effects: [.closeUnbonding(record)])
      let balance = try balance(record.bucket, asset: record.asset).amount ?? .zero
      compilation.move(
        record.asset, balance, from: record.bucket, to: Account(holder: record.delegator))
      let payload: JSONValue = .object([
        "op": .string("release"), "asset": .string(record.asset),
        "delegator": .string(record.delegator),
        "validator": .string(record.validator), "entry": .string(record.entry),
      ])
      _ = try append(
        kind: .release, idempotencyId: nil, asset: record.asset,
        payload: CanonicalJSON.encode(payload), clock: clock, compilation: compilation)
    }
    for hold in try database.expiredHolds(asset: definition.symbol, by: time) {
      guard let record = try self.hold(hold) else {
        preconditionFailure("hold \(hold) was just listed")
      }
      let compilation = PostingCompiler<Journal>.release(record, status: .expired)
      let payload: JSONValue = .object(["op": .string("expire"), "hold": .string(hold)])
      _ = try append(
        kind: .expire, idempotencyId: nil, asset: record.asset,
        payload: CanonicalJSON.encode(payload), clock: clock, compilation: compilation)
    }
  }
}
