/// Reads of the current state, inside the writer's transaction.
extension Journal: LedgerState, OperationContext {
  func assetDefinition(_ symbol: String) throws -> AssetDefinition? {
    if let cached = assetCache[symbol] { return cached }
    guard
      let payload = try statements.selectAssetDefinition.firstRow([.text(symbol)], { $0.text(0) })
        ?? nil
    else { return nil }
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
    var symbols: [String] = []
    try database.forEachRow("SELECT symbol FROM assets ORDER BY symbol") {
      symbols.append($0.text(0)!)
    }
    return try symbols.map { symbol in
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
    try database.firstRow("SELECT asset FROM holds WHERE hold_id = ?", [.text(hold)]) { $0.text(0) }
      ?? nil
  }

  func accountId(_ account: Account) throws -> Int64? {
    if let cached = accountIds[account] { return cached }
    if cache.missingAccounts.contains(account) { return nil }
    let id =
      try statements.selectAccountId.firstRow([
        .text(account.holder), .text(account.bucket.kind.rawValue),
        .text(account.bucket.validatorColumn), .text(account.bucket.detailColumn),
      ]) { $0.integer(0) } ?? nil
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
      let (text, lastEntry) = try statements.selectBalance.firstRow(
        [.integer(accountId), .text(asset)], { ($0.text(0), $0.integer(1)) })
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
    guard
      let text = try database.firstRow(
        "SELECT amount FROM allowances WHERE asset = ? AND owner = ? AND spender = ?",
        [.text(asset), .text(owner), .text(spender)], { $0.text(0) }) ?? nil
    else { return .limited(.zero) }
    guard let amount = AllowanceAmount(storedText: text) else {
      throw DatabaseError(
        resultCode: 11, message: "allowance \(owner)→\(spender) in \(asset) is not an amount")
    }
    return amount
  }

  func isPaused(_ asset: String) throws -> Bool { try assetState(asset).paused }

  func validator(asset: String, validator: String) throws -> ValidatorRecord? {
    try database.firstRow(
      """
      SELECT operator, commission, commission_changed_time, max_rate, max_change_rate
      FROM validators WHERE asset = ? AND validator = ?
      """,
      [.text(asset), .text(validator)]
    ) { row in try Self.validatorRecord(row, from: 0, asset: asset, validator: validator) }
  }

  /// A validator's record from the columns `operator, commission, commission_changed_time,
  /// max_rate, max_change_rate` of `row`, starting at column `first`.
  static func validatorRecord(_ row: Row, from first: Int, asset: String, validator: String)
    throws -> ValidatorRecord
  {
    ValidatorRecord(
      asset: asset, validator: validator, operatorAddress: row.text(first)!,
      commission: try Rate(parsing: row.text(first + 1)!),
      commissionChangedTime: row.integer(first + 2),
      maxRate: try row.text(first + 3).map { text throws(LedgerError) in try Rate(parsing: text) },
      maxChangeRate: try row.text(first + 4).map { text throws(LedgerError) in
        try Rate(parsing: text)
      })
  }

  func buckets(asset: String, validator: String, kind: Bucket.Kind) throws -> [(
    account: Account, amount: Amount
  )] {
    try flushBalances()  // the query below reads the balances table
    var result: [(account: Account, amount: Amount)] = []
    try database.forEachRow(
      """
      SELECT a.holder, a.detail, b.amount FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.bucket = ? AND a.validator = ? AND b.asset = ? AND b.amount <> '0'
      ORDER BY a.holder, a.detail
      """, [.text(kind.rawValue), .text(validator), .text(asset)]
    ) { row in
      guard let bucket = Bucket(kind: kind.rawValue, validator: validator, detail: row.text(1)!),
        let amount = Amount(baseUnitText: row.text(2)!)
      else {
        throw DatabaseError(resultCode: 11, message: "malformed \(kind) bucket on \(validator)")
      }
      result.append((Account(holder: row.text(0)!, bucket: bucket), amount))
    }
    return result
  }

  func openUnbondingCount(asset: String, delegator: String, validator: String) throws -> Int {
    Int(
      try database.firstRow(
        "SELECT count(*) FROM unbonding WHERE asset = ? AND delegator = ? AND validator = ?",
        [.text(asset), .text(delegator), .text(validator)]
      ) { $0.integer(0) ?? 0 } ?? 0)
  }

  func hold(_ hold: String) throws -> HoldRecord? {
    try database.firstRow(
      "SELECT asset, payer, payee, amount, expires_time, status FROM holds WHERE hold_id = ?",
      [.text(hold)]
    ) { row in
      guard let amount = Amount(baseUnitText: row.text(3)!),
        let status = HoldRecord.Status(rawValue: row.text(5)!)
      else { throw DatabaseError(resultCode: 11, message: "hold \(hold) is malformed") }
      return HoldRecord(
        hold: hold, asset: row.text(0)!, payer: row.text(1)!, payee: row.text(2)!, amount: amount,
        expiresTime: row.integer(4), status: status)
    }
  }

  func totalSupply(_ asset: String) throws -> Amount {
    try flushBalances()  // the query below reads the balances table
    // Every system account's balance: the holders' total is minus their sum.
    var systemSum = SignedAmount.zero
    try database.forEachRow(
      """
      SELECT b.amount FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE b.asset = ? AND a.holder GLOB '@*'
      """, [.text(asset)]
    ) { row in
      guard let amount = SignedAmount(text: row.text(0)!), let sum = systemSum.adding(amount) else {
        throw DatabaseError(resultCode: 11, message: "system balances of \(asset) are malformed")
      }
      systemSum = sum
    }
    return systemSum.negated.amount ?? .zero
  }

  /// The entry an idempotency id was first used by.
  func entry(idempotencyId: String) throws -> (sequence: Int64, payload: String)? {
    // A replay's scratch journal keeps no ids: the journal it replays has each id once.
    guard recordsEntries else { return nil }
    let found = try statements.selectEntryById.firstRow(
      [database.storedId(idempotencyId)]
    ) { row in (row.integer(0)!, try StoredPayload.read(row, from: 1)) }
    guard let (sequence, stored) = found else { return nil }
    let payload = try StoredPayload.operationText(
      format2: format(of: sequence) == .two, id: stored.id, stored: stored.stored,
      transfer: stored.transfer, decimals: { try self.requireDecimals($0) })
    return (sequence, payload)
  }

  /// The recorded operation of `idempotencyId` as a JSON object (id included), without
  /// writing its text first: a transfer its posting states is read from the posting, any
  /// other from its payload. Nil when no entry has the id.
  func operationObject(idempotencyId: String) throws -> [String: JSONValue]? {
    guard recordsEntries else { return nil }
    return try statements.selectEntryById.firstRow([database.storedId(idempotencyId)]) { row in
      try operationObject(row)
    }
  }

  func head() throws -> (sequence: Int64, hash: String) {
    if let cached = cache.head { return cached }
    guard recordsEntries else {
      cache.head = committedHead
      return committedHead
    }
    let head =
      try statements.selectHead.firstRow([]) { ($0.integer(0)!, $0.hashHex(1)!) } ?? (
        0, HashChain.genesis
      )
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
