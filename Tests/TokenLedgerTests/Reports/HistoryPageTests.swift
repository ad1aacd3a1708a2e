import PropertyBased
import Testing

@testable import TokenLedger

@Suite struct HistoryPageTests {
  /// Each change's running balance (the last change to a bucket in an entry) is that bucket's
  /// balance after the entry, summed from the postings by the point-in-time query; every
  /// change names the posting's other side; pages of any size put together are the whole
  /// history.
  @Test(.shrinking(false)) func runningBalancesAndPagesAgreeWithTheJournal() async {
    await propertyCheck(
      count: 30, input: Gen.int(in: 0...1_000_000).array(of: 40...600), Gen.int(in: 1...7)
    ) { numbers, pageSize in
      do {
        let ledger = try makeLedger()
        try ledger.apply(jsonLines: RandomOperations.setup)
        _ = try ledger.apply(jsonLines: RandomOperations.lines(numbers), mode: .independent)
        for holder in RandomOperations.holders {
          let whole = try ledger.historyPage(account: holder)
          #expect(whole.next == nil)
          #expect(whole.entries == (try ledger.history(account: holder)))
          for entry in whole.entries {
            let after = try ledger.bucketBalances(at: .sequence(entry.sequence))
            var last: [String: SignedAmount] = [:]
            for change in entry.changes {
              last[change.bucket.description] = change.balance
              #expect(
                change.counterparty != Account(holder: holder, bucket: change.bucket),
                "a posting never moves a bucket to itself")
            }
            for (bucket, balance) in last {
              let key = Ledger.BucketKey(asset: entry.asset, holder: holder, bucket: bucket)
              #expect(
                balance == after[key] ?? .zero, "\(holder) \(bucket) after entry \(entry.sequence)")
            }
          }
          var paged: [HistoryEntry] = []
          var after: Int64? = nil
          repeat {
            let page = try ledger.historyPage(account: holder, after: after, limit: pageSize)
            // A cross-asset entry is a row per asset, counted once.
            #expect(Set(page.entries.map(\.sequence)).count <= pageSize)
            paged += page.entries
            after = page.next
          } while after != nil
          #expect(paged == whole.entries)
        }
      } catch {
        Issue.record("unexpected error \(error)")
      }
    }
  }

  /// A transfer names the other holder; a mint names `@supply`; bounds by time and height
  /// keep `[from, to)`.
  @Test func counterpartiesAndBounds() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset,
      #"{"op":"mint","asset":"TOK","to":"alice","amount":"10","height":1,"time":"2024-01-01T00:00:00Z"}"#,
      #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"4","height":2,"time":"2024-01-02T00:00:00Z"}"#,
      #"{"op":"transfer","asset":"TOK","from":"bob","to":"alice","amount":"1","height":3,"time":"2024-01-03T00:00:00Z"}"#,
    ])
    let history = try ledger.history(account: "alice")
    #expect(history.map { $0.changes[0].counterparty.holder } == ["@supply", "bob", "bob"])
    #expect(history.map { $0.changes[0].balance.formatted(decimals: 6) } == ["10", "6", "7"])
    let byHeight = try ledger.historyPage(account: "alice", from: .height(2), to: .height(3))
    #expect(byHeight.entries.map(\.sequence) == [3])
    let byTime = try ledger.historyPage(
      account: "alice", from: .time(LedgerTime("2024-01-02")!))
    #expect(byTime.entries.map(\.sequence) == [3, 4])
  }
}
