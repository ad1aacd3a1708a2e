import Foundation
import Testing

@testable import TokenLedger

@Suite struct AsyncLedgerTests {
  /// The async face gives what the synchronous one gives; a history stream read page by page
  /// is the whole history.
  @Test func theAsyncFaceAgreesWithTheLedger() async throws {
    let books = AsyncLedger(try makeLedger())
    var lines = [anyAsset]
    lines += (0..<250).map { index in
      #"{"op":"mint","asset":"TOK","to":"a\#(index % 3)","amount":"\#(index + 1)"}"#
    }
    let results = try await books.apply(jsonLines: lines)
    #expect(results.count == 251)
    let balances = try await books.balances(asset: "TOK")
    #expect(balances == (try books.ledger.balances(asset: "TOK")))
    #expect(try await books.summary() == (try books.ledger.summary()))
    #expect(try await books.audit().ok)
    var streamed: [HistoryEntry] = []
    for try await entry in books.history(account: "a1", pageSize: 7) { streamed.append(entry) }
    #expect(streamed == (try books.ledger.history(account: "a1")))
    #expect(streamed.count == 83)
  }

  /// Results encode with amounts as exact base-unit text (never a rounded JSON number) and
  /// decode to equal values.
  @Test func resultsRoundTripThroughCodable() throws {
    let ledger = try RewardStatementTests.stakingProvider()
    let statement = try ledger.rewardStatement(asset: "FET")
    let data = try JSONEncoder().encode(statement)
    #expect(try JSONDecoder().decode(RewardStatement.self, from: data) == statement)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains(#""credited":"31666666666666666667""#))
    let page = try ledger.historyPage(account: RewardStatementTests.d3, limit: 3)
    #expect(
      try JSONDecoder().decode(HistoryPage.self, from: try JSONEncoder().encode(page)) == page)
    #expect(page.entries.first?.kind == .mint)
    #expect(page.entries.first?.date == Date(timeIntervalSince1970: 1_704_067_200))
    let audit = try ledger.audit()
    #expect(
      try JSONDecoder().decode(AuditReport.self, from: try JSONEncoder().encode(audit)) == audit)
    let rate = try Rate(parsing: "0.05")
    #expect(try JSONDecoder().decode(Rate.self, from: try JSONEncoder().encode(rate)) == rate)
    #expect(String(decoding: try JSONEncoder().encode(rate), as: UTF8.self) == #""0.05""#)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(Amount.self, from: Data(#""1.5""#.utf8))
    }
    let summary = try ledger.summary()
    #expect(
      try JSONDecoder().decode(LedgerSummary.self, from: try JSONEncoder().encode(summary))
        == summary)
  }

  /// Every kind the journal writes is an ``EntryKind``: the kinds in the staking fixtures'
  /// journals (holds that expire, unbonding that matures) and every operation's name.
  @Test func everyJournalKindIsAnEntryKind() throws {
    var seen: Set<String> = []
    for name in [
      "staking/compute-escrow.json", "staking/expired-hold.json", "staking/redelegation.json",
      "staking/fet-staking-provider.json", "staking/tao-validator.json",
    ] {
      let ledger = try makeLedger()
      let fixture = try Fixture(json: try Repository.read(Repository.root + "/fixtures/" + name))
      _ = try fixture.load(into: ledger)
      try ledger.read { journal in
        try journal.database.forEachRow("SELECT DISTINCT kind FROM entries") {
          seen.insert($0.text(0)!)
        }
      }
    }
    #expect(seen.isSuperset(of: ["release", "expire", "reward", "hold"]))
    for kind in seen { #expect(EntryKind(rawValue: kind) != nil, "\(kind)") }
    #expect(Operation.kinds.isSubset(of: Set(EntryKind.allCases.map(\.rawValue))))
  }
}
