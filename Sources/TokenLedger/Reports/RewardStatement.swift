/// The length of a statement's periods. Periods are UTC calendar days, months or years,
/// labelled `2024-01-02`, `2024-01` and `2024`; an entry written before its asset's clock had a
/// time falls in the period `undated`.
public enum StatementPeriod: String, Sendable, CaseIterable {
  case day, month, year

  /// The label of the period that holds `time` (Unix seconds, UTC).
  public func label(_ time: Int64?) -> String {
    guard let time else { return "undated" }
    let day = String(UTCTime.format(time).prefix(10))
    switch self {
    case .day: return day
    case .month: return String(day.prefix(7))
    case .year: return String(day.prefix(4))
    }
  }
}

/// The reward columns of a statement, each a sum of postings of one sort.
public enum StatementColumn: String, Sendable, CaseIterable {
  /// A validator's take of its rewards, credited to its operator.
  case commission
  /// A delegator's share of a reward credited to its `rewards` bucket (claim assets: Cosmos).
  case credited
  /// A delegator's share of a reward added to its stake (compound assets: Bittensor).
  case compounded
  /// A `distribute` paid straight to an address that is not a validator (a miner's emission).
  case distributed
  /// Pending rewards moved to available: a `claim`, or the withdrawal that precedes any change
  /// of a delegation.
  case claimed
  /// Cut from stake or unbonding by a `slash`.
  case slashed
  /// Pending rewards the ledger opened with (an import of a chain's state: `openingBalance`
  /// into a `rewards` bucket): owed to the holder, earned before the ledger's books began.
  case opening

  /// The columns that are income: new tokens the holder earned.
  public static let earned: [StatementColumn] = [.commission, .credited, .compounded, .distributed]
}

/// Exact sums of base units for each column. Each sum has 256 bits (a carry word above the
/// 128-bit amount), so a column never overflows however long the ledger.
public struct StatementAmounts: Sendable, Equatable {
  private var low = [UInt128](repeating: 0, count: StatementColumn.allCases.count)
  private var high = [UInt128](repeating: 0, count: StatementColumn.allCases.count)

  /// Every column zero.
  public init() {}

  /// The sum of one column (zero when nothing was booked to it).
  public subscript(column: StatementColumn) -> SignedAmount {
    let index = Self.index(column)
    return SignedAmount(isNegative: false, high: high[index], low: low[index])
  }

  /// Everything earned: commission, credited, compounded and distributed.
  public var earned: SignedAmount {
    StatementColumn.earned.reduce(SignedAmount.zero) { $0.adding(self[$1])! }
  }

  /// Whether every column is zero.
  public var isZero: Bool { low.allSatisfy { $0 == 0 } && high.allSatisfy { $0 == 0 } }

  private static func index(_ column: StatementColumn) -> Int {
    switch column {
    case .commission: 0
    case .credited: 1
    case .compounded: 2
    case .distributed: 3
    case .claimed: 4
    case .slashed: 5
    case .opening: 6
    }
  }

  mutating func add(_ amount: Amount, to column: StatementColumn) {
    add(high: 0, low: amount.baseUnits, at: Self.index(column))
  }

  private mutating func add(high addedHigh: UInt128, low addedLow: UInt128, at index: Int) {
    let (sum, carry) = low[index].addingReportingOverflow(addedLow)
    low[index] = sum
    let (top, overflow) = high[index].addingReportingOverflow(addedHigh + (carry ? 1 : 0))
    precondition(!overflow, "a statement column passed 2^256 base units")
    high[index] = top
  }

  mutating func add(_ other: StatementAmounts) {
    for index in low.indices { add(high: other.high[index], low: other.low[index], at: index) }
  }
}

/// One line of a statement: what one holder earned, claimed and lost on one validator in one
/// period. The validator is empty for a `distribute`'s direct payments.
public struct RewardStatementRow: Sendable, Equatable, Codable {
  /// The period's label (`2024-01`, or `undated`).
  public let period: String
  /// The holder (an operator for its commission).
  public let holder: String
  /// The validator (empty for a distribute's direct payment).
  public let validator: String
  /// The row's sums per column.
  public internal(set) var amounts: StatementAmounts
  /// What the row earned, valued reward by reward (``Ledger/rewardStatement(asset:holder:validator:from:to:by:valueIn:)``
  /// with a unit); nil when the statement is not valued.
  public internal(set) var value: StatementValue? = nil
}

/// Earned amounts valued in a unit, each reward at the last price of its asset in the unit at
/// or before its own time, rounded half to even to the unit's decimals, then summed. What has
/// no price is summed apart, in the asset's base units: never valued as 0.
public struct StatementValue: Sendable, Equatable, Codable {
  /// The unit (an asset or an ISO 4217 code).
  public let unit: String
  /// The unit's decimals (2 for a currency).
  public let decimals: Int
  /// The sum of the priced rewards' values, in base units of the unit.
  public private(set) var value: Amount = .zero
  /// The sum of the rewards with no price, in base units of the statement's asset.
  public private(set) var unpriced: Amount = .zero
  /// How many rewards had no price.
  public private(set) var unpricedCount = 0
  /// How many rewards were valued.
  public private(set) var pricedCount = 0

  /// The value as text, or `"unpriced"` when no reward of it had a price (never `"0"` for
  /// what was not valued).
  public var text: String {
    pricedCount == 0 && unpricedCount > 0 ? "unpriced" : value.formatted(decimals: decimals)
  }

  init(unit: String, decimals: Int) {
    self.unit = unit
    self.decimals = decimals
  }

  /// Adds an amount and its value (nil: unpriced).
  mutating func add(_ amount: Amount, valued: Amount?) {
    if let valued {
      guard let sum = value.adding(valued) else {
        preconditionFailure("a statement's value passes 2^128 - 1 base units of \(unit)")
      }
      value = sum
      pricedCount += 1
    } else {
      guard let sum = unpriced.adding(amount) else {
        preconditionFailure("a statement's unpriced rewards pass 2^128 - 1 base units")
      }
      unpriced = sum
      unpricedCount += 1
    }
  }

  /// Adds another row's sums.
  mutating func add(_ other: StatementValue) {
    value = value.adding(other.value) ?? value
    unpriced = unpriced.adding(other.unpriced) ?? unpriced
    unpricedCount += other.unpricedCount
    pricedCount += other.pricedCount
  }
}

/// Rewards per period, holder and validator, with the journal's own sums beside them.
public struct RewardStatement: Sendable, Equatable, Codable {
  /// The asset.
  public let asset: String
  /// Its decimals, to format amounts.
  public let decimals: Int
  /// The length of the periods.
  public let period: StatementPeriod
  /// Sorted by period, then holder and validator (UTF-8 order).
  public let rows: [RewardStatementRow]
  /// The sum of ``rows``.
  public let totals: StatementAmounts
  /// The postings of `reward` and `distribute` entries to `rewards` and `staked` buckets in the
  /// same time range, summed in SQL apart from the statement: without a holder or validator
  /// filter, `totals.commission + credited + compounded` equals it exactly.
  public let journalRewards: SignedAmount
  /// The postings of `slash` entries in the same range, summed in SQL.
  public let journalSlashes: SignedAmount
  /// Whether the statement covers every holder and validator (no filter was given).
  public let isWhole: Bool
  /// The sum of the rows' values, when the statement is valued.
  public var totalValue: StatementValue? = nil

  /// Whether the statement's rewards and slashes are the journal's, to the base unit. Only a
  /// whole statement can be compared.
  public var addsUp: Bool? {
    guard isWhole else { return nil }
    let rewards = totals[.commission].adding(totals[.credited])!.adding(totals[.compounded])!
    return rewards == journalRewards && totals[.slashed] == journalSlashes
  }
}
