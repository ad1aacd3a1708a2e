import PropertyBased
import Testing

@testable import TokenLedger

/// Random operation sequences over every verb, two assets (claim with unbonding, compound
/// without), checked after the fact against the ledger's invariants.
enum RandomOperations {
  static let holders = ["alice", "bob", "carol", "dave"]
  static let validators = ["val1", "val2"]

  static let setup = [
    #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any","unbondingSeconds":100,"rewardPolicy":"claim"}"#,
    #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","unbondingSeconds":0,"rewardPolicy":"compound"}"#,
    #"{"op":"registerValidator","asset":"FET","validator":"val1","operator":"alice","commission":"0.05","time":"2024-01-01T00:00:00Z"}"#,
    #"{"op":"registerValidator","asset":"FET","validator":"val2","operator":"bob","commission":"0.1"}"#,
    #"{"op":"registerValidator","asset":"TAO","validator":"val1","operator":"carol","commission":"0.18"}"#,
    #"{"op":"registerValidator","asset":"TAO","validator":"val2","operator":"dave","commission":"0"}"#,
  ]

  /// One JSON line from four random numbers: the verb, two indexes and an amount.
  static func line(_ numbers: ArraySlice<Int>, index: Int) -> String {
    let values = Array(numbers)
    let asset = values[1] % 2 == 0 ? "FET" : "TAO"
    let a = holders[values[1] % holders.count]
    let b = holders[values[2] % holders.count]
    let v = validators[values[2] % validators.count]
    let w = validators[(values[2] + 1) % validators.count]
    let amount = "\(values[3] % 1000).\(values[3] % 7)"
    let id = #""id":"op-\#(index)","#
    switch values[0] % 16 {
    case 0, 1: return #"{"op":"mint",\#(id)"asset":"\#(asset)","to":"\#(a)","amount":"\#(amount)"}"#
    case 2: return #"{"op":"burn",\#(id)"asset":"\#(asset)","from":"\#(a)","amount":"\#(amount)"}"#
    case 3:
      return
        #"{"op":"transfer",\#(id)"asset":"\#(asset)","from":"\#(a)","to":"\#(b)","amount":"\#(amount)"}"#
    case 4:
      return
        #"{"op":"approve",\#(id)"asset":"\#(asset)","owner":"\#(a)","spender":"\#(b)","amount":"\#(values[3] % 3 == 0 ? "unlimited" : amount)"}"#
    case 5:
      return
        #"{"op":"transferFrom",\#(id)"asset":"\#(asset)","spender":"\#(b)","from":"\#(a)","to":"\#(b)","amount":"\#(amount)"}"#
    case 6, 7:
      return
        #"{"op":"delegate",\#(id)"asset":"\#(asset)","delegator":"\#(a)","validator":"\#(v)","amount":"\#(amount)"}"#
    case 8:
      return
        #"{"op":"undelegate",\#(id)"asset":"\#(asset)","delegator":"\#(a)","validator":"\#(v)","amount":"\#(amount)"}"#
    case 9:
      return
        #"{"op":"redelegate",\#(id)"asset":"\#(asset)","delegator":"\#(a)","from":"\#(v)","to":"\#(w)","amount":"\#(amount)"}"#
    case 10:
      return #"{"op":"reward",\#(id)"asset":"\#(asset)","validator":"\#(v)","amount":"\#(amount)"}"#
    case 11:
      return #"{"op":"claim",\#(id)"asset":"\#(asset)","delegator":"\#(a)","validator":"\#(v)"}"#
    case 12:
      return
        #"{"op":"slash",\#(id)"asset":"\#(asset)","validator":"\#(v)","fraction":"0.\#(values[3] % 100)"}"#
    case 13:
      return
        #"{"op":"hold",\#(id)"asset":"\#(asset)","from":"\#(a)","to":"\#(b)","amount":"\#(amount)","hold":"h\#(values[2] % 5)","expires":"2024-01-01T00:0\#(values[3] % 10):00Z"}"#
    case 14:
      return values[3] % 2 == 0
        ? #"{"op":"settle",\#(id)"hold":"h\#(values[2] % 5)","amount":"\#(values[3] % 50)"}"#
        : #"{"op":"void",\#(id)"hold":"h\#(values[2] % 5)"}"#
    default:
      return
        #"{"op":"tick",\#(id)"asset":"\#(asset)","time":"2024-01-01T00:0\#(values[3] % 10):\#(10 + values[2] % 50)Z"}"#
    }
  }

  static func lines(_ numbers: [Int]) -> [String] {
    stride(from: 0, to: numbers.count - 3, by: 4).map {
      line(numbers[$0..<($0 + 4)], index: $0 / 4)
    }
  }
}

/// Sums every balance per asset in SQL (exactly, with amount_sum) and lists negative holders.
func invariantViolations(_ ledger: Ledger) throws -> [String] {
  try ledger.read { journal in
    var problems: [String] = []
    try journal.database.forEachRow("SELECT asset, amount_sum(amount) FROM balances GROUP BY asset")
    { row in
      if row.text(1) != "0" { problems.append("\(row.text(0)!) sums to \(row.text(1)!)") }
    }
    try journal.database.forEachRow(
      "SELECT a.holder, a.bucket, b.asset, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id WHERE b.amount GLOB '-*' AND a.holder NOT GLOB '@*'"
    ) { row in problems.append("\(row.text(0)!)/\(row.text(1)!) is \(row.text(3)!) \(row.text(2)!)")
    }
    return problems
  }
}

func holders(_ ledger: Ledger) throws -> [String] {
  try ledger.read { journal in
    var holders: [String] = []
    try journal.database.forEachRow("SELECT DISTINCT holder FROM accounts ORDER BY holder") {
      holders.append($0.text(0)!)
    }
    return holders
  }
}

/// A holder's history as the ledger walks it along the posting links, in the form of
/// ``scannedHistory(_:holder:)``.
func walkedHistory(_ ledger: Ledger, holder: String) throws -> [String] {
  try ledger.history(account: holder).map { entry in
    "\(entry.sequence) \(entry.asset) "
      + entry.changes.map { "\($0.bucket)=\($0.amount)" }.sorted().joined(separator: " ")
  }
}

/// A holder's history by a full scan of the postings: each entry's changes, one per posting
/// side that names one of the holder's accounts.
func scannedHistory(_ ledger: Ledger, holder: String) throws -> [String] {
  try ledger.read { journal in
    var changes: [Int64: (asset: String, items: [String])] = [:]
    try journal.database.forEachRow(
      """
      SELECT p.entry_seq, p.asset, p.amount, f.holder, f.bucket, f.validator, f.detail,
             t.holder, t.bucket, t.validator, t.detail
      FROM postings p JOIN accounts f ON f.id = p.from_account JOIN accounts t ON t.id = p.to_account
      """
    ) { row in
      let amount = SignedAmount(text: row.text(2)!)!
      for (offset, sign) in [(3, true), (7, false)] where row.text(offset) == holder {
        let bucket = Bucket(
          kind: row.text(offset + 1)!, validator: row.text(offset + 2)!,
          detail: row.text(offset + 3)!)!
        changes[row.integer(0)!, default: (row.text(1)!, [])].items.append(
          "\(bucket)=\(sign ? amount.negated : amount)")
      }
    }
    return changes.keys.sorted().map { sequence in
      "\(sequence) \(changes[sequence]!.asset) "
        + changes[sequence]!.items.sorted().joined(separator: " ")
    }
  }
}

@Suite struct LedgerPropertyTests {
  // Shrinking re-runs whole ledgers hundreds of times; the seed printed on failure replays
  // the case instead.
  @Test(.shrinking(false)) func randomSequencesKeepEveryInvariant() async {
    await propertyCheck(count: 100, input: Gen.int(in: 0...1_000_000).array(of: 4...1600)) {
      numbers in
      do {
        let ledger = try makeLedger()
        try ledger.apply(jsonLines: RandomOperations.setup)
        let lines = RandomOperations.lines(numbers)
        let results = try ledger.apply(jsonLines: lines, mode: .independent)
        #expect(try invariantViolations(ledger) == [])
        let state = try ledger.summary()

        // Idempotent re-application: every applied line again changes nothing.
        let applied = zip(lines, results).compactMap { line, result in
          if case .applied = result { line } else { nil }
        }
        // The generator must exercise the verbs, not only their rejections.
        #expect(
          lines.count < 40 || applied.count * 5 >= lines.count,
          "only \(applied.count) of \(lines.count) applied")
        let again = try ledger.apply(jsonLines: applied, mode: .atomic)
        #expect(again.allSatisfy { if case .unchanged = $0 { true } else { false } })
        #expect(try ledger.summary() == state)

        // The journal alone rebuilds the state: export, apply to a new ledger, compare.
        var exported: [String] = []
        try ledger.exportLines { exported.append($0) }
        let copy = try makeLedger()
        try copy.apply(jsonLines: exported)
        let copied = try copy.summary()
        #expect(copied == state, "\(exported.joined(separator: "\n"))")

        // Replay re-validates and re-compiles every operation: no difference, and audit is clean.
        let replay = try ledger.replay()
        #expect(replay.ok, "\(replay.differences) \(replay.failures)")
        // A point in time: replaying half the journal equals the stored state at that entry,
        // which is what `balance --at` shows.
        let half = try ledger.replay(until: .sequence(state.entries / 2))
        #expect(half.ok, "\(half.differences) \(half.failures)")
        let audit = try ledger.audit()
        #expect(audit.ok, "\(audit.checks.filter { !$0.ok })")

        // Balances summed from the postings equal the materialized balances.
        #expect(try ledger.balances(at: .sequence(state.entries)) == ledger.balances())

        // Every holder's history, walked along the posting links, is what a scan of all the
        // postings finds.
        for holder in try holders(ledger) {
          #expect(
            try walkedHistory(ledger, holder: holder) == scannedHistory(ledger, holder: holder))
        }
      } catch {
        Issue.record("unexpected error: \(error)")
      }
    }
  }

  @Test func rewardSharesAlwaysAddUpToTheWhole() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 0...Int.max).array(of: 1...20), Gen.int(in: 0...Int.max)
    ) { weights, amount in
      let items = weights.enumerated().map {
        (key: "d\($0.offset)", weight: Amount(baseUnits: UInt128($0.element) + 1))
      }
      let shares = RewardSplit.shares(of: Amount(baseUnits: UInt128(amount)), weights: items)
      #expect(shares.reduce(UInt128(0)) { $0 + $1.baseUnits } == UInt128(amount))
      // Each share is its exact pro-rata value rounded down or up by at most one unit.
      let total = items.reduce(UInt128(0)) { $0 + $1.weight.baseUnits }
      for (item, share) in zip(items, shares) {
        let exact = total.dividingFullWidth(
          UInt128(amount).multipliedFullWidth(by: item.weight.baseUnits)
        ).quotient
        #expect(share.baseUnits == exact || share.baseUnits == exact + 1)
      }
    }
  }
}
