/// Reads of the current state, inside the writer's transaction.
extension Journal: LedgerState, OperationContext {
  func assetDefinition(_ symbol: String) throws -> AssetDefinition? {
    if let cached = assetCache[symbol] { return cached }
    guard let payload = try statements.assetDefinition(symbol) else { return nil }
    let definition = try Self.decodeDefinition(payload)
    assetCache[symbol] = definition
    return definition
  }

  static func decodeDefinition(_ payload: String) throws -> AssetDefinition {
    guard let object = try? JSONParser.parse(payload).objectValue else {
      throw DatabaseError(
        resultCode: 11, message: "asset definition is not JSON: \(payload.prefix(80))")
    }
    var fields = FieldReader(operation: "defineAsset", members: object)
    _ = try fields.optionalString("op")
    return try AssetDefinition(reading: &fields)
  }

  func allAssets() throws -> [AssetDefinition] {
    try database.assetSymbols().map { symbol in
      guard let definition = try assetDefinition(symbol) else {
        preconditionFailure("asset \(symbol) vanished")
      }
      return definition
    }
  }

  func subnetAssets(netuid: Int) throws -> [AssetDefinition] {
    try allAssets().filter { $0.subnet?.netuid == netuid }
  }

  func normalize(_ address: String, scheme: AddressScheme) throws(LedgerError) -> String {
    if case .any = scheme { return try scheme.normalize(address) }  // no cheaper than a lookup
    let key = AddressKey(scheme: scheme, text: address)
    if let known = normalizedAddresses[key] { return known }
    let canonical = try scheme.normalize(address)
    if normalizedAddresses.count >= Limits.normalizedAddressesCached {
      normalizedAddresses.removeAll(keepingCapacity: true)
    }
    normalizedAddresses[key] = canonical
    return canonical
  }

  func holdAsset(_ hold: String) throws -> String? {
    try database.holdAsset(hold)
  }

  func accountId(_ account: Account) throws -> Int64? {
    if let cached = accountIds[account] { return cached }
    if cache.missingAccounts.contains(account) { return nil }
    let id = try statements.accountId(account)
    if let id { accountIds[account] = id }
    return id
  }

  func balance(_ account: Account, asset: String) throws -> SignedAmount {
    guard let id = try accountId(account) else { return .zero }
    return try storedBalance(accountId: id, asset: asset).amount
  }

  /// The balance row of an account in an asset (zero, linked to no entry, when there is none).
  func storedBalance(accountId: Int64, asset: String) throws -> TransactionCache.Balance {
    let key = TransactionCache.BalanceKey(accountId: accountId, asset: asset)
    if let cached = cache.balances[key] { return cached }
    if cache.createdAccounts.contains(accountId) {
      let none = TransactionCache.Balance(amount: .zero, lastEntry: 0)
      cache.balances[key] = none
      return none
    }
    guard
      let (text, lastEntry) = try statements.balance(accountId: accountId, asset: asset)
    else {
      cache.balances[key] = TransactionCache.Balance(amount: .zero, lastEntry: 0)
      return TransactionCache.Balance(amount: .zero, lastEntry: 0)
    }
    let balance = try Self.storedBalance(text, lastEntry, accountId: accountId, asset: asset)
    cache.balances[key] = balance
    return balance
  }

  /// A balance row's columns as read; a row that is not a balance is corruption.
  static func storedBalance(_ text: String?, _ lastEntry: Int64?, accountId: Int64, asset: String)
    throws -> TransactionCache.Balance
  {
    guard let text, let amount = SignedAmount(text: text), let lastEntry else {
      throw DatabaseError(
        resultCode: 11,
        message:
          "balance of account \(accountId) in \(asset) is malformed: \((text ?? "NULL").prefix(60))"
      )
    }
    return TransactionCache.Balance(amount: amount, lastEntry: lastEntry)
  }

  func allowance(asset: String, owner: String, spender: String) throws -> AllowanceAmount {
    try database.allowance(asset: asset, owner: owner, spender: spender) ?? .limited(.zero)
  }

  func isPaused(_ asset: String) throws -> Bool { try assetState(asset).paused }

  func validator(asset: String, validator: String) throws -> ValidatorRecord? {
    try database.validator(asset: asset, validator: validator)
  }

  func buckets(asset: String, validator: String, kind: Bucket.Kind) throws -> [(
    account: Account, amount: Amount
  )] {
    try flushBalances()  // the query below reads the balances table
    return try database.buckets(asset: asset, validator: validator, kind: kind)
  }

  func openUnbondingCount(asset: String, delegator: String, validator: String) throws -> Int {
    try database.openUnbondingCount(asset: asset, delegator: delegator, validator: validator)
  }

  func hold(_ hold: String) throws -> HoldRecord? {
    try database.hold(hold)
  }

  func totalSupply(_ asset: String) throws -> Amount {
    try flushBalances()  // the query below reads the balances table
    // Every system account's balance: the holders' total is minus their sum.
    return try database.systemBalanceSum(asset: asset).negated.amount ?? .zero
  }

  /// The entry an idempotency id was first used by.
  func entry(idempotencyId: String) throws -> (sequence: Int64, payload: String)? {
    // A replay's scratch journal keeps no ids: the journal it replays has each id once.
    guard recordsEntries else { return nil }
    guard let stored = try statements.entry(idempotencyId: idempotencyId) else { return nil }
    return (stored.sequence, try operationText(stored))
  }

  /// The recorded operation of `idempotencyId` as a JSON object (id included), without
  /// writing its text first: a transfer its posting states is read from the posting, any
  /// other from its payload. Nil when no entry has the id.
  func operationObject(idempotencyId: String) throws -> [String: JSONValue]? {
    guard recordsEntries else { return nil }
    return try statements.entry(idempotencyId: idempotencyId).map { try operationObject($0) }
  }

  func head() throws -> (sequence: Int64, hash: String) {
    if let cached = cache.head { return cached }
    guard recordsEntries else {
      cache.head = committedHead
      return committedHead
    }
    let head =
      try statements.head() ?? (0, HashChain.genesis)
    cache.head = head
    return head
  }

  /// The sequence number the next entry will get. In a transaction that has not taken the
  /// write lock (``Database/writeLockDeferred``) only a guess (``tentativeHead()``): the server
  /// numbers that entry, and a guess names nothing written (it names staking effects' records,
  /// which need the lock).
  func nextSequence() throws -> Int64 {
    try (database.writeLockDeferred ? tentativeHead() : head().sequence) + 1
  }

  /// The head's sequence as far as a transaction without the write lock needs it: the head it
  /// read, or else, without a round trip, the highest head this journal saw committed (the
  /// head is never lower: entries are only appended) when the next entry is in format 2
  /// either way (``guessesHead``); else the head, read.
  func tentativeHead() throws -> Int64 {
    if let cached = cache.head { return cached.sequence }
    if guessesHead { return committedHeadAtLeast }
    return try head().sequence
  }

  /// Whether this transaction goes without reading the head (``tentativeHead()``): it has not
  /// taken the write lock, and the next entry is in format 2 whatever the head is now.
  var guessesHead: Bool {
    database.writeLockDeferred && format(of: committedHeadAtLeast + 1) == .two
  }
}
