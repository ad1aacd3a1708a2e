import PropertyBased
import Testing

@testable import TokenLedger

/// Random operation sequences over every verb, two assets (claim with unbonding, compound
/// without), checked after the fact against the ledger's invariants.
enum RandomOperations {
  static let holders = ["alice", "bob", "carol", "dave"]
  static let validators = ["val1", "val2"]

  static let setup =
    [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any","unbondingSeconds":100,"rewardPolicy":"claim"}"#,
      #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","unbondingSeconds":0,"rewardPolicy":"compound"}"#,
      #"{"op":"registerValidator","asset":"FET","validator":"val1","operator":"alice","commission":"0.05","time":"2024-01-01T00:00:00Z"}"#,
      #"{"op":"registerValidator","asset":"FET","validator":"val2","operator":"bob","commission":"0.1"}"#,
      #"{"op":"registerValidator","asset":"TAO","validator":"val1","operator":"carol","commission":"0.18"}"#,
      #"{"op":"registerValidator","asset":"TAO","validator":"val2","operator":"dave","commission":"0"}"#,
      // Dynamic TAO: ROOT is a TAO of SS58 keys, SN1 and SN2 its subnets' alpha.
      #"{"op":"defineAsset","symbol":"ROOT","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound"}"#,
      #"{"op":"defineAsset","symbol":"SN1","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound","subnet":{"of":"ROOT","netuid":1}}"#,
      #"{"op":"defineAsset","symbol":"SN2","decimals":9,"addressScheme":"ss58","rewardPolicy":"compound","subnet":{"of":"ROOT","netuid":2}}"#,
    ]
    + ["SN1", "SN2"].flatMap { alpha in
      hotkeys.map {
        #"{"op":"registerValidator","asset":"\#(alpha)","validator":"\#($0)","operator":"\#(coldkeys[0])","commission":"0.18"}"#
      }
    }

  static let coldkeys = [
    "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
    "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
    "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
  ]
  static let hotkeys = [
    "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw",
    "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
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
    switch values[0] % 22 {
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
    case 15:
      return
        #"{"op":"tick",\#(id)"asset":"\#(asset)","time":"2024-01-01T00:0\#(values[3] % 10):\#(10 + values[2] % 50)Z"}"#
    default:
      return crossAssetLine(values, id: id, amount: amount)
    }
  }

  /// The operations that move several assets in one entry (subnet stakes, swaps, conversions).
  static func crossAssetLine(_ values: [Int], id: String, amount: String) -> String {
    let coldkey = coldkeys[values[1] % coldkeys.count]
    let other = coldkeys[(values[1] + 1) % coldkeys.count]
    let hotkey = hotkeys[values[2] % hotkeys.count]
    let netuid = 1 + values[2] % 2
    let second = "\(values[2] % 300).\(values[2] % 9)"
    let fee = "0.00\(values[3] % 5)"
    switch values[0] % 22 {
    case 16:
      return #"{"op":"mint",\#(id)"asset":"ROOT","to":"\#(coldkey)","amount":"\#(amount)"}"#
    case 17:
      return
        #"{"op":"stakeIntoSubnet",\#(id)"coldkey":"\#(coldkey)","hotkey":"\#(hotkey)","netuid":\#(netuid),"tao":"\#(amount)","alpha":"\#(second)","fee":"\#(fee)"}"#
    case 18:
      return
        #"{"op":"unstakeFromSubnet",\#(id)"coldkey":"\#(coldkey)","hotkey":"\#(hotkey)","netuid":\#(netuid),"alpha":"\#(second)","tao":"\#(amount)","fee":"\#(fee)"}"#
    case 19:
      let target = values[3] % 2 == 0 ? netuid : 3 - netuid
      let crossing = target != netuid ? #","tao":"\#(amount)","fee":"\#(fee)""# : ""
      let received = target != netuid ? "\(values[3] % 200).1" : second
      let toKey = target != netuid ? hotkey : hotkeys[(values[2] + 1) % hotkeys.count]
      return
        #"{"op":"moveStake",\#(id)"coldkey":"\#(coldkey)","from":{"hotkey":"\#(hotkey)","netuid":\#(netuid)},"to":{"hotkey":"\#(toKey)","netuid":\#(target)},"alpha":"\#(second)","received":"\#(received)"\#(crossing)}"#
    case 20:
      return
        #"{"op":"transferStake",\#(id)"from":"\#(coldkey)","to":"\#(other)","hotkey":"\#(hotkey)","netuid":\#(netuid),"alpha":"\#(second)"}"#
    default:
      let a = holders[values[1] % holders.count]
      let (give, get) = values[2] % 2 == 0 ? ("FET", "TAO") : ("TAO", "FET")
      return values[3] % 3 == 0
        ? #"{"op":"convert",\#(id)"holder":"\#(a)","from":{"asset":"\#(give)","amount":"\#(amount)"},"to":{"asset":"\#(get)"},"rate":"0.4\#(values[2] % 1000)"}"#
        : #"{"op":"swap",\#(id)"pool":"@pool:\#(values[2] % 3)","trader":"\#(a)","give":{"asset":"\#(give)","amount":"\#(amount)"},"get":{"asset":"\#(get)","amount":"\#(second)"},"fee":{"asset":"\#(give)","amount":"\#(fee)"}}"#
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
      """
      SELECT a.holder, a.bucket, b.asset, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE \(journal.database.startsWith("b.amount", "-"))
        AND \(journal.database.doesNotStartWith("a.holder", "@"))
      """
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
    (
      entry.sequence,
      "\(entry.sequence) \(entry.asset) "
        + entry.changes.map { "\($0.bucket)=\($0.amount)" }.sorted().joined(separator: " ")
    )
  }.sorted { $0 < $1 }.map(\.1)
}

/// A holder's history by a full scan of the postings: each entry's changes, one per posting
/// side that names one of the holder's accounts.
func scannedHistory(_ ledger: Ledger, holder: String) throws -> [String] {
  try ledger.read { journal in
    // By entry and asset: a cross-asset entry is a row per asset in the history.
    var changes: [String: (sequence: Int64, items: [String])] = [:]
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
        changes["\(row.integer(0)!) \(row.text(1)!)", default: (row.integer(0)!, [])].items.append(
          "\(bucket)=\(sign ? amount.negated : amount)")
      }
    }
    return changes.keys.sorted { (changes[$0]!.sequence, $0) < (changes[$1]!.sequence, $1) }.map {
      "\($0) " + changes[$0]!.items.sorted().joined(separator: " ")
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
