/// Reward statements, read back from the journal.
///
/// A reward's postings do not say which of them is the validator's commission: the operator
/// receives its take and, when it has stake on its own validator, a delegator's share too, into
/// the same bucket. The statement therefore walks the asset's staking entries in order and
/// tracks what the compiler knew when it wrote each reward: the validator's rate and operator
/// (from `registerValidator` payloads) and whether any stake was on it. A reward of A is then
/// split exactly as `RewardSplit` split it: no stake, the whole A is commission; otherwise the
/// first posting is the commission floor(A × rate) when that is not zero, the rest are the
/// delegators'. A `distribute` is cut into the same parts it was compiled from. Any posting that
/// does not fit that shape is a corrupt-database error (exit 3), never a guess.
extension LedgerSnapshot {
  func rewardStatement(
    asset: String, holder: String?, validator: String?, from: Int64?, to: Int64?,
    by period: StatementPeriod, valueIn unit: String? = nil
  ) throws -> RewardStatement {
    guard let definition = try assetDefinition(asset) else {
      throw LedgerError(.unknownAsset, "unknown asset '\(asset.truncatedForMessage)'")
    }
    var scan = StatementScan(
      definition: definition, period: period, range: (from, to), context: journal)
    scan.valuer = try unit.map { try journal.rewardValuer(asset: definition, in: $0) }
    try scanEntries(asset, &scan)
    let rows = scan.statementRows().filter {
      (holder == nil || $0.holder == holder) && (validator == nil || $0.validator == validator)
    }
    var totals = StatementAmounts()
    for row in rows { totals.add(row.amounts) }
    var totalValue = scan.valuer.map { StatementValue(unit: $0.unit, decimals: $0.decimals) }
    for row in rows { if let value = row.value { totalValue?.add(value) } }
    return RewardStatement(
      asset: asset, decimals: definition.decimals, period: period, rows: rows, totals: totals,
      journalRewards: try journalSum(
        asset: asset, kinds: [.reward, .distribute], toBuckets: ["rewards", "staked"],
        from: from, to: to),
      journalSlashes: try journalSum(
        asset: asset, kinds: [.slash], toBuckets: nil, from: from, to: to),
      isWhole: holder == nil && validator == nil, totalValue: totalValue)
  }

  /// The asset's staking entries in order, each handed to `scan` with its postings.
  private func scanEntries(_ asset: String, _ scan: inout StatementScan) throws {
    var entry: StatementScan.Entry?
    // Accounts by id, read once each (a posting names two of a few thousand), then named by a
    // dense index.
    var indexes: [Int64: Int32] = [:]
    func side(_ id: Int64) throws -> Int32 {
      if let known = indexes[id] { return known }
      guard let sides = try database.accountSides(id: id) else {
        throw DatabaseError(resultCode: 11, message: "a posting names missing account \(id)")
      }
      let index = scan.intern(
        StatementScan.Side(holder: sides.holder, bucket: sides.bucket, validator: sides.validator))
      indexes[id] = index
      return index
    }
    try database.forEachStatementPosting(
      asset: asset, kinds: StatementScan.kinds, stakeKinds: StatementScan.stakeKinds
    ) { row in
      if entry?.sequence != row.sequence {
        if let done = entry { try scan.process(done) }
        entry = StatementScan.Entry(
          sequence: row.sequence, kind: row.kind, time: row.time, payload: row.payload ?? "")
      }
      guard let units = row.units else { return }  // an entry without postings (registerValidator)
      entry!.postings.append(
        StatementScan.Posting(
          amount: Amount(baseUnits: units), from: try side(row.from), to: try side(row.to)))
    }
    if let done = entry { try scan.process(done) }
  }

  /// Σ of the postings of entries of `kinds` in the time range (to the given bucket kinds).
  private func journalSum(
    asset: String, kinds: [EntryKind], toBuckets: [String]?, from: Int64?, to: Int64?
  ) throws -> SignedAmount {
    try database.postingSum(asset: asset, kinds: kinds, toBuckets: toBuckets, from: from, to: to)
  }
}

/// The walk behind a statement: the state the compiler saw, and the rows so far.
private struct StatementScan {
  static let kinds: [EntryKind] = [
    .registerValidator, .reward, .distribute, .claim, .delegate, .undelegate, .redelegate, .slash,
    .openingBalance, .stakeIntoSubnet, .unstakeFromSubnet, .moveStake, .transferStake,
  ]

  /// The dynamic-TAO kinds that change alpha stakes: an entry of another subnet's alpha (a
  /// move across subnets) can change this asset's stakes, so they are read by posting.
  static let stakeKinds = [
    EntryKind.stakeIntoSubnet, .unstakeFromSubnet, .moveStake, .transferStake,
  ]
  .map { "'\($0.rawValue)'" }.joined(separator: ", ")

  struct Side {
    let holder: String
    let bucket: String
    let validator: String
  }

  /// A posting, its accounts named by their index in ``sides``.
  struct Posting {
    let amount: Amount
    let from: Int32
    let to: Int32
  }

  struct Entry {
    let sequence: Int64
    let kind: String
    let time: Int64?
    let payload: String
    var postings: [Posting] = []
    /// The statement period the entry falls in, as an index in ``periods``.
    var period: Int32 = 0
  }

  /// A row's key: a period and a (holder, validator) pair, by index.
  struct Key: Hashable {
    let period: Int32
    let pair: Int32
  }

  struct Pair: Hashable {
    let holder: String
    let validator: String
  }

  let definition: AssetDefinition
  let period: StatementPeriod
  let range: (from: Int64?, to: Int64?)
  let context: Journal
  /// Registered validators as the compiler saw them: rate and operator.
  var validators: [String: (commission: Rate, operatorAddress: String)] = [:]
  /// Base units staked on each validator (only zero or not matters).
  var stakes: [String: UInt128] = [:]
  var rows: [Key: StatementAmounts] = [:]
  /// The unit earned amounts are valued in, and how (nil: the statement is not valued).
  var valuer: RewardValuer?
  var values: [Key: StatementValue] = [:]
  /// Whether the entry being read falls in the statement's range.
  private var booking = true
  /// Accounts, periods and (holder, validator) pairs seen, each once.
  private(set) var sides: [Side] = []
  private var sidePairs: [Int32] = []
  private var pairs: [Pair] = []
  private var pairIndexes: [Pair: Int32] = [:]
  private var periods: [String] = []
  private var periodIndexes: [String: Int32] = [:]

  mutating func intern(_ side: Side) -> Int32 {
    let pairIndex = pair(holder: side.holder, validator: side.validator)
    sides.append(side)
    sidePairs.append(pairIndex)
    return Int32(sides.count - 1)
  }

  private mutating func pair(holder: String, validator: String) -> Int32 {
    let pair = Pair(holder: holder, validator: validator)
    if let index = pairIndexes[pair] { return index }
    pairs.append(pair)
    pairIndexes[pair] = Int32(pairs.count - 1)
    return Int32(pairs.count - 1)
  }

  /// The rows with anything in them, sorted by period, holder and validator.
  func statementRows() -> [RewardStatementRow] {
    rows.compactMap { key, amounts in
      amounts.isZero
        ? nil
        : RewardStatementRow(
          period: periods[Int(key.period)], holder: pairs[Int(key.pair)].holder,
          validator: pairs[Int(key.pair)].validator, amounts: amounts,
          value: valuer.map { values[key] ?? StatementValue(unit: $0.unit, decimals: $0.decimals) })
    }.sorted {
      // Undated entries came before the asset's clock had a time: they come first.
      ($0.period != "undated" ? 1 : 0, $0.period, $0.holder, $0.validator)
        < ($1.period != "undated" ? 1 : 0, $1.period, $1.holder, $1.validator)
    }
  }

  init(
    definition: AssetDefinition, period: StatementPeriod, range: (from: Int64?, to: Int64?),
    context: Journal
  ) {
    self.definition = definition
    self.period = period
    self.range = range
    self.context = context
  }

  mutating func process(_ entry: Entry) throws {
    var entry = entry
    let label = period.label(entry.time)
    if let index = periodIndexes[label] {
      entry.period = index
    } else {
      periods.append(label)
      entry.period = Int32(periods.count - 1)
      periodIndexes[label] = entry.period
    }
    // Every entry is read, whatever the range: the registrations, rates and stakes before the
    // range decide how a reward inside it was split. Only entries inside it are booked.
    booking =
      (range.from == nil && range.to == nil)
      || (entry.time.map { time in
        range.from.map { time >= $0 } ?? true && range.to.map { time < $0 } ?? true
      } ?? false)
    try book(entry)
    // The stakes after the entry, as the next entry's compiler will see them.
    for posting in entry.postings {
      let (from, to) = (sides[Int(posting.from)], sides[Int(posting.to)])
      if from.bucket == "staked" {
        stakes[from.validator, default: 0] -= posting.amount.baseUnits
      }
      if to.bucket == "staked" {
        stakes[to.validator, default: 0] += posting.amount.baseUnits
      }
    }
  }

  private mutating func book(_ entry: Entry) throws {
    switch EntryKind(rawValue: entry.kind) {
    case .registerValidator?:
      guard
        case .registerValidator(_, let validator, let operatorAddress, let commission, _, _) =
          try operation(entry)
      else { throw inconsistent(entry, "its payload is not a registerValidator") }
      validators[validator] = (commission, operatorAddress)
    case .reward?:
      guard case .reward(_, let validator, let amount) = try operation(entry) else {
        throw inconsistent(entry, "its payload is not a reward")
      }
      var postings = entry.postings[...]
      try bookReward(entry, validator: validator, amount: amount, postings: &postings)
      guard postings.isEmpty else {
        throw inconsistent(entry, "it has more postings than its amount")
      }
    case .distribute?:
      try bookDistribute(entry)
    default:
      for posting in entry.postings {
        let (from, to) = (sides[Int(posting.from)], sides[Int(posting.to)])
        if entry.kind == EntryKind.openingBalance.rawValue, to.bucket == "rewards" {
          add(posting.amount, .opening, entry, side: posting.to)
        } else if from.bucket == "rewards", to.bucket == "available" {
          add(posting.amount, .claimed, entry, side: posting.from)
        } else if to.holder == Account.slashed.holder {
          add(posting.amount, .slashed, entry, side: posting.from)
        }
      }
    }
  }

  /// One reward of `amount` to `validator`: consumes its postings from the front of `postings`.
  private mutating func bookReward(
    _ entry: Entry, validator: String, amount: Amount, postings: inout ArraySlice<Posting>
  ) throws {
    guard let record = validators[validator] else {
      throw inconsistent(entry, "it rewards \(validator), which was not registered before it")
    }
    let staked = stakes[validator, default: 0] != 0
    let commission = staked ? record.commission.floorTimes(amount) : amount
    var remaining = amount.baseUnits
    if !commission.isZero {
      guard let first = postings.popFirst(), first.amount == commission,
        sides[Int(first.to)].holder == record.operatorAddress,
        sides[Int(first.to)].validator == validator
      else {
        throw inconsistent(
          entry,
          "its commission \(commission) to \(record.operatorAddress) is not its first posting")
      }
      add(commission, .commission, entry, side: first.to)
      remaining -= commission.baseUnits
    }
    let column: StatementColumn = definition.rewardPolicy == .claim ? .credited : .compounded
    while remaining > 0 {
      guard let posting = postings.popFirst(), posting.amount.baseUnits <= remaining,
        sides[Int(posting.to)].validator == validator,
        sides[Int(posting.to)].bucket == (column == .credited ? "rewards" : "staked")
      else { throw inconsistent(entry, "its delegators' shares do not add up to the reward") }
      add(posting.amount, column, entry, side: posting.to)
      remaining -= posting.amount.baseUnits
    }
  }

  private mutating func bookDistribute(_ entry: Entry) throws {
    guard case .distribute(_, let from, let amount, let shares) = try operation(entry),
      let numerators = ShareWeight.commonNumerators(shares.map(\.weight))
    else { throw inconsistent(entry, "its payload is not a distribute") }
    let parts = RewardSplit.shares(
      of: amount,
      weights: zip(shares, numerators).map { (key: $0.to, weight: Amount(baseUnits: $1)) })
    var postings = entry.postings[...]
    for (share, part) in zip(shares, parts) where !part.isZero {
      if validators[share.to] != nil {
        try bookReward(entry, validator: share.to, amount: part, postings: &postings)
      } else if share.to != from {
        guard let posting = postings.popFirst(), posting.amount == part,
          sides[Int(posting.to)].holder == share.to
        else { throw inconsistent(entry, "its payment to \(share.to) is not the next posting") }
        if booking {
          let key = Key(period: entry.period, pair: pair(holder: share.to, validator: ""))
          credit(key, part, .distributed, entry)
        }
      }
    }
    guard postings.isEmpty else { throw inconsistent(entry, "it has more postings than parts") }
  }

  private func operation(_ entry: Entry) throws -> Operation.Action {
    guard let object = try? JSONParser.parse(entry.payload).objectValue else {
      throw inconsistent(entry, "its payload is not a JSON object")
    }
    do {
      return try Operation.decode(object, context: context).action
    } catch {
      throw inconsistent(entry, "its payload does not decode (\(error))")
    }
  }

  private mutating func add(
    _ amount: Amount, _ column: StatementColumn, _ entry: Entry, side: Int32
  ) {
    guard booking else { return }
    credit(Key(period: entry.period, pair: sidePairs[Int(side)]), amount, column, entry)
  }

  /// Books `amount` to a row's column and, when the statement is valued, an earned amount's
  /// value at the entry's own time (each reward at the last price at or before it).
  private mutating func credit(
    _ key: Key, _ amount: Amount, _ column: StatementColumn, _ entry: Entry
  ) {
    rows[key, default: StatementAmounts()].add(amount, to: column)
    guard let valuer, StatementColumn.earned.contains(column) else { return }
    var value = values[key] ?? StatementValue(unit: valuer.unit, decimals: valuer.decimals)
    value.add(amount, valued: valuer.value(amount, entry.time))
    values[key] = value
  }

  private func inconsistent(_ entry: Entry, _ reason: String) -> DatabaseError {
    DatabaseError(
      resultCode: 11,
      message:
        "rewards: entry \(entry.sequence) (\(entry.kind)) of \(definition.symbol) cannot be read as the compiler wrote it: \(reason)"
    )
  }
}
