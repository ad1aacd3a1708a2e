/// What a ledger is, in one read: its file, schema, journal head and state digest, and per
/// asset its clock, supply and holders.
public struct LedgerInfo: Sendable, Equatable {
  /// The ledger's file, or its PostgreSQL URL without the password.
  public let path: String
  /// Its schema version.
  public let schemaVersion: Int
  /// Entries in its journal.
  public let entries: Int64
  /// The last entry's hash.
  public let headHash: String
  /// The digest of its state.
  public let stateDigest: String
  /// Every asset, by symbol.
  public let assets: [AssetFacts]
}

/// One asset's definition and its state now.
public struct AssetFacts: Sendable, Equatable {
  /// How the asset was defined.
  public let definition: AssetDefinition
  /// Whether it is paused.
  public let paused: Bool
  /// The asset's clock: the latest block height and time its operations carried.
  public let clockHeight: Int64?
  /// The clock's time (Unix seconds), if any operation carried one.
  public let clockTime: Int64?
  /// The sum of every holder bucket.
  public let supply: Amount
  /// Holders with a non-zero total (system accounts are not holders).
  public let holders: Int
  /// Registered validators.
  public let validators: Int
  /// The journal's entries dated by this asset's clock.
  public let entries: Int64
}

/// A validator as its delegators see it: its rates, its stake and who holds it.
public struct ValidatorFacts: Sendable, Equatable {
  /// The validator's registration.
  public let record: ValidatorRecord
  /// The sum of its delegators' staked buckets.
  public let stake: Amount
  /// Delegators with stake on it now.
  public let delegators: Int
  /// Rewards credited and not yet claimed, over every delegator (and its operator).
  public let pendingRewards: Amount

  /// The highest commission it may set: its own `maxRate`, else the asset's `maxCommission`,
  /// whichever binds (the lower when both are set).
  public func maxRate(_ asset: AssetDefinition) -> Rate? {
    [record.maxRate, asset.maxCommission].compactMap { $0 }.min()
  }

  /// The largest change of commission at a time: its own `maxChangeRate`, else the asset's
  /// `maxCommissionChange` (the lower when both are set).
  public func maxChangeRate(_ asset: AssetDefinition) -> Rate? {
    [record.maxChangeRate, asset.maxCommissionChange].compactMap { $0 }.min()
  }
}

extension Ledger {
  /// The ledger's facts, read in one snapshot.
  public func info() throws -> LedgerInfo {
    try snapshot { snapshot in
      let head = try snapshot.head()
      let assets = try snapshot.allAssets().map { try snapshot.assetFacts($0) }
      return LedgerInfo(
        path: displayPath, schemaVersion: Schema.currentVersion, entries: head.sequence,
        headHash: head.hash, stateDigest: try snapshot.stateDigest(), assets: assets)
    }
  }

  /// Every registered asset with its state now, sorted by symbol.
  public func assets() throws -> [AssetFacts] {
    try snapshot { snapshot in try snapshot.allAssets().map { try snapshot.assetFacts($0) } }
  }

  /// The validators of an asset, largest stake first (ties by name).
  public func validators(asset: String) throws -> [ValidatorFacts] {
    _ = try requireAsset(asset)
    return try snapshot { journal in
      // One pass over the buckets of the asset, grouped by validator: a query per validator
      // scanned every account each time (4,000 validators: 48 times the cost of 500).
      let totals = try journal.validatorBucketTotals(asset: asset)
      var facts: [ValidatorFacts] = []
      try journal.database.forEachValidator(asset: asset) { record, stake in
        let total = totals[record.validator]
        facts.append(
          ValidatorFacts(
            record: record, stake: stake, delegators: total?.delegators ?? 0,
            pendingRewards: total?.pendingRewards ?? .zero))
      }
      return facts.sorted {
        $0.stake != $1.stake
          ? $0.stake > $1.stake
          : $0.record.validator.utf8.lexicographicallyPrecedes($1.record.validator.utf8)
      }
    }
  }
}

extension LedgerSnapshot {
  /// Per validator of `asset`, in one grouped pass over its buckets: the holders with a
  /// non-zero staked bucket on it, and the sum of its rewards buckets.
  func validatorBucketTotals(asset: String) throws -> [String: (
    delegators: Int, pendingRewards: Amount
  )] {
    return try database.validatorBucketTotals(asset: asset)
  }

  func assetFacts(_ definition: AssetDefinition) throws -> AssetFacts {
    let symbol = definition.symbol
    let state = try assetState(symbol)
    var holders = 0
    try self.forEachHolderTotal(asset: symbol, at: .now) { _, _ in holders += 1 }
    return AssetFacts(
      definition: definition, paused: state.paused, clockHeight: state.clock.height,
      clockTime: state.clock.time, supply: try totalSupply(symbol), holders: holders,
      validators: Int(try database.validatorCount(asset: symbol)),
      entries: try database.entryCount(asset: symbol))
  }
}

extension AssetFacts: JSONForm {
  /// Its definition's fields (as `defineAsset` has them; every optional one it does not set is
  /// null), `paused`, `clock` (height, RFC 3339 time), `supply` in token units, `holders`,
  /// `validators`, `entries`.
  public var jsonObject: JSONValue {
    var members = definition.jsonFields
    for name in AssetDefinition.fieldNames where members[name] == nil { members[name] = .null }
    members["paused"] = .bool(paused)
    members["clock"] = .object([
      "height": clockHeight.map { .number(String($0)) } ?? .null,
      "time": clockTime.map { .string(UTCTime.format($0)) } ?? .null,
    ])
    members["supply"] = .string(definition.format(supply))
    members["holders"] = .number(String(holders))
    members["validators"] = .number(String(validators))
    members["entries"] = .number(String(entries))
    return .object(members)
  }

  /// Reads the JSON form back; a field that is not one is `invalidOperation` naming it.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "AssetFacts")
    let facts: Set = ["paused", "clock", "supply", "holders", "validators", "entries"]
    let definition = try AssetDefinition(
      jsonObject: .object(fields.members.filter { !facts.contains($0.key) && $0.value != .null }))
    let clock = try JSONFields(.object(try fields.object("clock")), "AssetFacts.clock")
    let time = try clock.optionalString("time").map { text throws(LedgerError) in
      guard let seconds = UTCTime.parse(text) else {
        throw clock.fail("time", "'\(text.truncatedForMessage)' is not RFC 3339 UTC")
      }
      return seconds
    }
    self.init(
      definition: definition, paused: try fields.bool("paused"),
      clockHeight: try clock.optionalInteger("height"), clockTime: time,
      supply: try definition.amount(try fields.string("supply")),
      holders: try fields.int("holders"), validators: try fields.int("validators"),
      entries: try fields.integer("entries"))
  }
}

extension LedgerInfo: JSONForm {
  /// `path`, `schemaVersion`, `entries`, `headHash`, `stateDigest`, `checkpoint` (always null:
  /// checkpoints are kept outside the ledger) and `assets` (``AssetFacts``).
  public var jsonObject: JSONValue {
    .object([
      "path": .string(path), "schemaVersion": .number(String(schemaVersion)),
      "entries": .number(String(entries)), "headHash": .string(headHash),
      "stateDigest": .string(stateDigest), "checkpoint": .null,
      "assets": .array(assets.map(\.jsonObject)),
    ])
  }

  /// Reads the JSON form back; a field that is not one is `invalidOperation` naming it.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "LedgerInfo")
    self.init(
      path: try fields.string("path"), schemaVersion: try fields.int("schemaVersion"),
      entries: try fields.integer("entries"), headHash: try fields.string("headHash"),
      stateDigest: try fields.string("stateDigest"),
      assets: try fields.array("assets").map { item throws in try AssetFacts(jsonObject: item) })
  }
}
