import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Everything the HTML report shows, read in one snapshot: the ledger's facts and, per asset,
/// supply over time, holdings by bucket, stake by validator, rewards and slashes per month, the
/// largest holders and the open holds. The numbers are exact; only drawing turns them into
/// pixels.
public struct LedgerReport: Sendable, Equatable {
  /// The ledger's facts.
  public let info: LedgerInfo
  /// The statement range: `from` inclusive, `to` exclusive (Unix seconds), if given.
  public let from: LedgerTime?
  /// The statement range's exclusive end (Unix seconds), if given.
  public let to: LedgerTime?
  /// Each asset's part.
  public let assets: [AssetReport]
}

/// A value at the end of a labelled period.
public struct SeriesPoint: Sendable, Equatable, Codable {
  /// The period or name.
  public let label: String
  /// The value.
  public let value: Amount
}

/// An open escrow: reserved from the payer until settled, voided or expired.
public struct OpenHold: Sendable, Equatable, Codable {
  /// The hold's id.
  public let hold: String
  /// Who reserved the amount.
  public let payer: String
  /// Who a settlement pays.
  public let payee: String
  /// The amount reserved.
  public let amount: Amount
  /// When it expires (Unix seconds), if it does.
  public let expiresTime: Int64?
}

/// One asset's part of the report.
public struct AssetReport: Sendable, Equatable {
  /// The asset's facts.
  public let facts: AssetFacts
  /// The period of ``supply``: days for a short ledger, months, or years for a long one.
  public let supplyPeriod: StatementPeriod
  /// Total supply at the end of each period that changed it (the first point may be
  /// `undated`: entries before the asset's clock had a time).
  public let supply: [SeriesPoint]
  /// Holder balances summed per bucket kind (available, staked, unbonding, rewards, held).
  public let buckets: [SeriesPoint]
  /// Its validators, largest stake first.
  public let validators: [ValidatorFacts]
  /// The reward statement by month over the report's range.
  public let statement: RewardStatement
  /// The statement's columns summed per month.
  public let monthly: [(period: String, amounts: StatementAmounts)]
  /// The largest holders by total (every bucket), at most ``LedgerReport/topHoldersMax``.
  public let topHolders: [SeriesPoint]
  /// Holds not yet settled, voided or expired, soonest expiry first.
  public let openHolds: [OpenHold]
  /// The holdings valued in the report's unit, when one was asked: the total supply first,
  /// then each bucket of ``buckets``, at the last price now.
  public internal(set) var holdingsValue: [Valuation]? = nil

  /// Equal when every number is.
  public static func == (lhs: AssetReport, rhs: AssetReport) -> Bool {
    lhs.facts == rhs.facts && lhs.supply == rhs.supply && lhs.buckets == rhs.buckets
      && lhs.statement == rhs.statement && lhs.topHolders == rhs.topHolders
      && lhs.openHolds == rhs.openHolds && lhs.validators == rhs.validators
      && lhs.holdingsValue == rhs.holdingsValue
  }
}

extension LedgerReport {
  /// How many holders the report lists.
  public static let topHoldersMax = 20
}

extension Ledger {
  /// The report's numbers for one asset or all, with the statement over `[from, to)`; with
  /// `valueIn` (an asset or an ISO 4217 code) holdings and rewards are valued in it too.
  public func report(
    asset: String? = nil, from: LedgerTime? = nil, to: LedgerTime? = nil,
    valueIn unit: String? = nil
  ) throws -> LedgerReport {
    if let asset { _ = try requireAsset(asset) }
    let info = try info()
    let symbols = info.assets.map(\.definition.symbol).filter { asset == nil || $0 == asset }
    let validators = try symbols.map { try self.validators(asset: $0) }
    let statements = try symbols.map {
      try rewardStatement(asset: $0, from: from, to: to, by: .month, valueIn: unit)
    }
    var assets = try snapshot { snapshot in
      try symbols.indices.map { index in
        let facts = info.assets.first { $0.definition.symbol == symbols[index] }!
        return try snapshot.assetReport(
          facts: facts, validators: validators[index], statement: statements[index])
      }
    }
    if let unit {
      for index in assets.indices {
        let part = assets[index]
        let symbol = part.facts.definition.symbol
        let decimals = part.facts.definition.decimals
        // The supply and each bucket's sum, valued as balances are.
        let rows = ([part.facts.supply] + part.buckets.map(\.value)).map { value in
          var row = BalanceRow(account: "", asset: symbol, decimals: decimals)
          row.available = SignedAmount(value)
          return row
        }
        assets[index].holdingsValue = try valuations(of: rows, in: unit)
      }
    }
    return LedgerReport(info: info, from: from, to: to, assets: assets)
  }
}

extension LedgerSnapshot {
  func assetReport(facts: AssetFacts, validators: [ValidatorFacts], statement: RewardStatement)
    throws -> AssetReport
  {
    let symbol = facts.definition.symbol
    let (period, supply) = try supplySeries(symbol)
    var buckets: [Bucket.Kind: Amount] = [:]
    try self.forEachBalance(at: .now) { holder, kind, asset, amount in
      guard asset == symbol, !holder.hasPrefix("@"), let value = amount.amount,
        let sum = buckets[kind, default: .zero].adding(value)
      else { return }
      buckets[kind] = sum
    }
    var holders: [SeriesPoint] = []
    try self.forEachHolderTotal(asset: symbol, at: .now) { holder, total in
      holders.append(SeriesPoint(label: holder, value: Amount(baseUnits: total)))
      if holders.count > 4 * LedgerReport.topHoldersMax {
        holders.sort(by: Self.largestFirst)
        holders.removeLast(holders.count - LedgerReport.topHoldersMax)
      }
    }
    holders.sort(by: Self.largestFirst)
    let holds = try database.openHolds(asset: symbol).map {
      OpenHold(
        hold: $0.hold, payer: $0.payer, payee: $0.payee, amount: $0.amount,
        expiresTime: $0.expiresTime)
    }
    var monthly: [(period: String, amounts: StatementAmounts)] = []
    for row in statement.rows {
      if monthly.last?.period != row.period {
        monthly.append((row.period, StatementAmounts()))
      }
      monthly[monthly.count - 1].amounts.add(row.amounts)
    }
    return AssetReport(
      facts: facts, supplyPeriod: period, supply: supply,
      buckets: Bucket.Kind.allCases.map {
        SeriesPoint(label: $0.rawValue, value: buckets[$0] ?? .zero)
      },
      validators: validators, statement: statement, monthly: monthly,
      topHolders: Array(holders.prefix(LedgerReport.topHoldersMax)), openHolds: holds)
  }

  /// The asset's supply after each day, month or year (by the span of its entries' times):
  /// supply moves only where a posting crosses between a system account and a holder.
  private func supplySeries(_ symbol: String) throws -> (StatementPeriod, [SeriesPoint]) {
    let span = try database.timeSpan(asset: symbol)
    let days = span.map { ($0.last - $0.first) / 86_400 } ?? 0
    let period: StatementPeriod = days <= 62 ? .day : days <= 5 * 366 ? .month : .year
    let width = period == .day ? 10 : period == .month ? 7 : 4
    var supply: [SeriesPoint] = []
    var running = SignedAmount.zero
    try database.supplyChanges(asset: symbol, periodWidth: width) { label, change in
      guard let next = running.adding(change), let value = next.amount else {
        throw DatabaseError(resultCode: 11, message: "the supply of \(symbol) leaves its range")
      }
      running = next
      supply.append(SeriesPoint(label: label ?? "undated", value: value))
    }
    return (period, supply)
  }

  private static func largestFirst(_ left: SeriesPoint, _ right: SeriesPoint) -> Bool {
    left.value != right.value
      ? left.value > right.value : left.label.utf8.lexicographicallyPrecedes(right.label.utf8)
  }
}

/// A report with the audit run for it: both describe the same head.
public struct AuditedReport: Sendable {
  /// The numbers.
  public let report: LedgerReport
  /// The audit of the same head.
  public let audit: AuditReport
  /// When the audit started (Unix seconds, UTC) and how long it took.
  public let auditedAt: LedgerTime
  /// How long the audit took.
  public let auditMilliseconds: Int64
}

extension Ledger {
  /// Runs a full audit and reads the report's numbers at the same time, on a second read-only
  /// connection to the same file (the audit reads the whole file; the numbers are mostly
  /// aggregates, so the two share the machine's cores). Both must see the same head: a writer
  /// that committed in between is `invalidOperation` ("run it again"), never a report whose
  /// numbers were not the ones audited.
  public func auditedReport(
    asset: String? = nil, from: LedgerTime? = nil, to: LedgerTime? = nil,
    anchors: AuditAnchors = AuditAnchors(), valueIn unit: String? = nil
  ) throws -> AuditedReport {
    if let asset { _ = try requireAsset(asset) }
    let auditedAt = LedgerTime(unixSeconds: Int64(time(nil)))
    let started = Self.monotonicMilliseconds()
    let numbers = BackgroundWork<LedgerReport>()
    if path != ":memory:" && !path.isEmpty {
      let other = try Ledger.open(at: path, readOnly: true)
      numbers.start { try other.report(asset: asset, from: from, to: to, valueIn: unit) }
    } else {
      numbers.start { try self.report(asset: asset, from: from, to: to, valueIn: unit) }
    }
    let audit = try audit(anchors: anchors)
    let milliseconds = Self.monotonicMilliseconds() - started
    let report = try numbers.wait()
    guard report.info.headHash == audit.headHash else {
      throw LedgerError(
        .invalidOperation,
        "report: the ledger changed while the report was made (head \(audit.headHash) audited, \(report.info.headHash) read); run it again"
      )
    }
    return AuditedReport(
      report: report, audit: audit, auditedAt: auditedAt, auditMilliseconds: milliseconds)
  }
}

extension Ledger {
  /// The report's numbers beside an audit run earlier (read back from `audit --format json`,
  /// see ``AuditReport/init(json:)``), which must be of this ledger's head now: a report never
  /// vouches for numbers nobody audited. The audit's own check times are its duration.
  public func report(
    audited audit: AuditReport, auditedAt: LedgerTime, asset: String? = nil,
    from: LedgerTime? = nil, to: LedgerTime? = nil, valueIn unit: String? = nil
  ) throws -> AuditedReport {
    let report = try report(asset: asset, from: from, to: to, valueIn: unit)
    guard report.info.headHash == audit.headHash, report.info.entries == audit.entries else {
      throw LedgerError(
        .invalidOperation,
        "report: the audit is of entry \(audit.entries) (head \(audit.headHash)) but the ledger is at entry \(report.info.entries) (head \(report.info.headHash)); audit it again"
      )
    }
    // The same head with another state is a ledger changed outside the journal: the audit
    // then vouches for numbers it never saw.
    guard report.info.stateDigest == audit.stateDigest else {
      throw LedgerError(
        .invalidOperation,
        "report: the audit saw state digest \(audit.stateDigest) but the ledger's is \(report.info.stateDigest) at the same head; audit it again"
      )
    }
    let missing = AuditReport.registeredChecks.filter { name in
      !audit.checks.contains { $0.name == name }
    }
    guard missing.isEmpty else {
      throw LedgerError(
        .invalidOperation,
        "report: the audit lacks the checks \(missing.joined(separator: ", ")); a report shows a full audit"
      )
    }
    if let odd = audit.checks.first(where: {
      $0.violationCount < $0.violations.count || $0.milliseconds < 0
    }) {
      throw LedgerError(
        .invalidOperation, "report: the audit's check \(odd.name) does not add up; audit it again")
    }
    return AuditedReport(
      report: report, audit: audit, auditedAt: auditedAt,
      auditMilliseconds: audit.checks.reduce(0) { $0 + $1.milliseconds })
  }
}
