#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A point or bound in time, as the ledger keeps it: a UTC instant in whole seconds. Made from
/// Unix seconds (an integer literal is one), from a `Date` (its second: a fraction is dropped
/// toward the past, as the clock drops a block time's nanoseconds) or from RFC 3339 text; it
/// gives back each. Its `Codable` form is the RFC 3339 text (`2024-05-01T12:00:00Z`).
public struct LedgerTime: Sendable, Hashable, Comparable, CustomStringConvertible,
  ExpressibleByIntegerLiteral, Codable
{
  /// Seconds since 1970-01-01T00:00:00Z.
  public let unixSeconds: Int64

  /// The instant `unixSeconds` after the epoch.
  public init(unixSeconds: Int64) { self.unixSeconds = unixSeconds }

  /// Unix seconds written as a literal.
  public init(integerLiteral value: Int64) { unixSeconds = value }

  /// The whole second `date` falls in.
  public init(_ date: Date) {
    unixSeconds = Int64((date.timeIntervalSince1970).rounded(.down))
  }

  /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)`, or a date, month or year meaning its first
  /// second (``UTCTime/parseBound(_:)``); nil for anything else.
  public init?(_ text: String) {
    guard let seconds = UTCTime.parseBound(text) else { return nil }
    unixSeconds = seconds
  }

  /// The same instant as a `Date`. `Date` counts in a `Double` of seconds: a time, never an
  /// amount, and exact for every whole second RFC 3339 names (all below 2^53).
  public var date: Date { Date(timeIntervalSince1970: Double(unixSeconds)) }

  /// RFC 3339 in UTC.
  public var description: String { UTCTime.format(unixSeconds) }

  /// Earlier than.
  public static func < (left: LedgerTime, right: LedgerTime) -> Bool {
    left.unixSeconds < right.unixSeconds
  }

  /// Reads RFC 3339 UTC text.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let seconds = UTCTime.parse(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not RFC 3339 UTC: \(text)"))
    }
    unixSeconds = seconds
  }

  /// Writes RFC 3339 UTC text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// One calendar period (UTC) a statement or report covers: a year, a month of a year, or a
/// day. Its bounds are its first second and the first second of the next period.
public enum CalendarPeriod: Sendable, Hashable, CustomStringConvertible {
  case year(Int)
  case month(Int, year: Int)
  case day(Int, month: Int, year: Int)

  /// `2024`, `2024-03` or `2024-03-15`, as statements label their periods.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count), parts[0].count == 4,
      parts.dropFirst().allSatisfy({ $0.count == 2 }),
      parts.allSatisfy({ $0.utf8.allSatisfy(DecimalText.isDigit) }),
      let year = Int(parts[0])
    else { return nil }
    switch parts.count {
    case 1: self = .year(year)
    case 2: self = .month(Int(parts[1])!, year: year)
    default: self = .day(Int(parts[2])!, month: Int(parts[1])!, year: year)
    }
    guard LedgerTime(description) != nil else { return nil }
  }

  /// The period's label (`2024`, `2024-03`, `2024-03-15`).
  public var description: String {
    func pad(_ value: Int, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return switch self {
    case .year(let year): pad(year, 4)
    case .month(let month, let year): "\(pad(year, 4))-\(pad(month, 2))"
    case .day(let day, let month, let year): "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
  }

  /// The period's first second; nil for a date that does not exist (2023-02-29, month 13).
  public var start: LedgerTime? { LedgerTime(description) }

  /// The first second after the period; nil when the period does not exist, or ends past
  /// 9999-12-31 (the last instant RFC 3339 names).
  public var end: LedgerTime? {
    guard let start else { return nil }
    switch self {
    case .year(let year):
      return CalendarPeriod.year(year + 1).start
    case .month(let month, let year):
      let next: CalendarPeriod =
        month == 12 ? .month(1, year: year + 1) : .month(month + 1, year: year)
      return next.start
    case .day:
      return LedgerTime(unixSeconds: start.unixSeconds + 86_400)
    }
  }

  /// The statement column that labels such periods.
  public var granularity: StatementPeriod {
    switch self {
    case .year: .year
    case .month: .month
    case .day: .day
    }
  }
}
