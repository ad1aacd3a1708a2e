import Testing

@testable import TokenLedger

/// Replays cut by height or time. Entries of different assets interleave, and their heights are
/// different chains' heights, so such a cut keeps a subsequence of the journal, not always a
/// prefix: the replayed state is compared with the stored state at the cut, and the two heads
/// only when the cut is a prefix (the stored chain holds entries the replay does not).
@Suite struct ReplayCutTests {
  static let lines = [
    #"{"op":"defineAsset","symbol":"AAA","decimals":0,"addressScheme":"any"}"#,
    #"{"op":"defineAsset","symbol":"BBB","decimals":0,"addressScheme":"any"}"#,
    #"{"op":"mint","id":"a1","height":1,"asset":"AAA","to":"x","amount":"10"}"#,
    #"{"op":"mint","id":"b1","height":10,"asset":"BBB","to":"x","amount":"5"}"#,
    #"{"op":"transfer","id":"a2","height":2,"asset":"AAA","from":"x","to":"y","amount":"3"}"#,
    #"{"op":"transfer","id":"b2","height":11,"asset":"BBB","from":"x","to":"y","amount":"1"}"#,
    #"{"op":"transfer","id":"a3","height":3,"asset":"AAA","from":"y","to":"z","amount":"1"}"#,
  ]

  @Test func aCutThatIsNotAPrefixComparesTheStateAndNotTheHeads() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.lines)
    // Height 2: AAA's entries up to a2, none of BBB's (b1 at 10 lies between a1 and a2).
    let cut = try ledger.replay(until: .height(2))
    #expect(cut.ok, "\(cut.differences) \(cut.failures)")
    #expect(!cut.headsComparable)
    #expect(cut.entries == 4)
    #expect(cut.stateDigest == cut.storedStateDigest)
    // A prefix (up to a1) compares the heads as well.
    let prefix = try ledger.replay(until: .height(1))
    #expect(prefix.ok && prefix.headsComparable)
    #expect(prefix.headHash == prefix.storedHeadHash)
    let whole = try ledger.replay(until: .height(100))
    #expect(whole.ok && whole.headsComparable)
  }

  @Test func aCutThatIsNotAPrefixStillFindsADifference() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: Self.lines)
    // A posting of a2 changed behind the library's back: the stored state at height 2 differs.
    try ledger.withConnection {
      try $0.execute("UPDATE postings SET amount = '4' WHERE entry_seq = 5")
    }
    let cut = try ledger.replay(until: .height(2))
    #expect(!cut.ok)
    #expect(!cut.differences.isEmpty)
  }
}
