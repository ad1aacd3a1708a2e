import Foundation
import PropertyBased
import Testing

@testable import TokenLedger

/// One type for a point or bound in time: from Unix seconds, a `Date` or RFC 3339 text, each
/// giving back the others; and calendar periods with their exact bounds.
@Suite struct LedgerTimeTests {
  /// Every instant RFC 3339 names survives text, `Date` and `Codable`, to the second.
  @Test func everyInstantSurvivesTextDateAndCodable() async {
    await propertyCheck(
      count: 500,
      input: Gen.int(
        in: Int(UTCTime.secondsRange.lowerBound)...Int(UTCTime.secondsRange.upperBound))
    ) { seconds in
      let time = LedgerTime(unixSeconds: Int64(seconds))
      #expect(LedgerTime(time.description) == time)
      #expect(LedgerTime(time.date) == time)
      let decoded = try? JSONDecoder().decode(LedgerTime.self, from: JSONEncoder().encode(time))
      #expect(decoded == time)
    }
  }

  /// A `Date` with a fraction is the second it falls in, before the epoch too (toward the past,
  /// as the clock truncates a block time's nanoseconds).
  @Test func aDateIsTheSecondItFallsIn() {
    #expect(LedgerTime(Date(timeIntervalSince1970: 1_700_000_000.75)).unixSeconds == 1_700_000_000)
    #expect(LedgerTime(Date(timeIntervalSince1970: -0.5)).unixSeconds == -1)
    let literal: LedgerTime = 1_704_067_200
    #expect(literal.description == "2024-01-01T00:00:00Z")
    #expect(LedgerTime("2024-01") == literal && LedgerTime("2024") == literal)
    #expect(LedgerTime("2024-01-01T00:00:00.999Z") == literal)
    #expect(LedgerTime("yesterday") == nil && LedgerTime("2024-02-30") == nil)
  }

  @Test func calendarPeriodsHaveExactBounds() {
    #expect(CalendarPeriod.month(2, year: 2024).start == LedgerTime("2024-02-01"))
    #expect(CalendarPeriod.month(2, year: 2024).end == LedgerTime("2024-03-01"))
    #expect(CalendarPeriod.month(12, year: 2023).end == LedgerTime("2024-01-01"))
    #expect(CalendarPeriod.day(29, month: 2, year: 2024).end == LedgerTime("2024-03-01"))
    #expect(CalendarPeriod.year(2024).end == LedgerTime("2025-01-01"))
    #expect(CalendarPeriod.day(29, month: 2, year: 2023).start == nil, "not a leap year")
    #expect(CalendarPeriod.month(13, year: 2024).start == nil)
    #expect(CalendarPeriod("2024-03") == .month(3, year: 2024))
    #expect(CalendarPeriod("2024-03-15")?.granularity == .day)
    #expect(CalendarPeriod("2024-3") == nil && CalendarPeriod("2023-02-29") == nil)
    #expect(CalendarPeriod.day(5, month: 3, year: 2024).description == "2024-03-05")
  }

  /// A point in time given as a `Date` reads the same state as its Unix seconds.
  @Test func aDateIsAcceptedWhereSecondsAre() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    let january = Date(timeIntervalSince1970: 1_704_067_200)
    try ledger.apply([
      Operation(
        at: LedgerTime(january), action: .mint(asset: "TOK", to: "a", amount: Amount(baseUnits: 5))),
      Operation(
        at: LedgerTime("2024-02-01")!,
        action: .mint(asset: "TOK", to: "a", amount: Amount(baseUnits: 7))),
    ])
    let rows = try ledger.balances(
      account: "a", at: .time(LedgerTime(january.addingTimeInterval(86_400))))
    #expect(rows.first?.available == SignedAmount(Amount(baseUnits: 5)))
    #expect(try ledger.history(account: "a").first?.time == 1_704_067_200)
  }
}
