import ArgumentParser
import TokenLedger

struct History: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The entries touching an account, with counterparties and running balances.",
    discussion: """
      One line per change: the entry, the bucket it moved, the amount (negative out), the \
      other side of the posting (another holder, a system account such as @emission, or the \
      holder's own bucket), and the bucket's balance after it. Oldest first. --from is \
      inclusive and --to exclusive; each is a block height (digits only), a time \
      (2024-01-02T00:00:00Z), a date (2024-01-02) or a month (2024-01). Page with --limit N and --after SEQ: the last line of a page \
      (or the JSON `next` field) says which --after gives the next one.

      Examples:
        tokenledger history --account fetch1...
        tokenledger history --account 0xAbC... --asset FET --from 2024-01 --to 2024-02
        tokenledger history --account 0xAbC... --limit 100 --after 4711 --format json
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "The account (address or system account).")
  var account: String

  @Option(help: "Only this asset.")
  var asset: String?

  @Option(help: "From this height or time, inclusive.")
  var from: String?

  @Option(help: "To this height or time, exclusive.")
  var to: String?

  @Option(help: "At most this many entries.")
  var limit: Int?

  @Option(help: "Only entries after this sequence (the previous page's last).")
  var after: Int64?

  static func bound(_ text: String) -> PointInTime? {
    if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
      return Int64(text).map(PointInTime.height)
    }
    return LedgerTime(text).map(PointInTime.time)
  }

  func validate() throws {
    for (name, value) in [("--from", from), ("--to", to)] {
      if let value, Self.bound(value) == nil {
        throw ValidationError(
          "\(name) must be a block height (digits), a UTC time (2024-01-02T00:00:00Z), a date or a month"
        )
      }
    }
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    if let after, after < 0 { throw ValidationError("--after must be a sequence (0 or more)") }
  }

  func run() throws {
    try runReporting(global.format, "history", formats: [.table, .json, .csv]) {
      let ledger = try global.openExisting(readOnly: true)
      if let asset { _ = try ledger.requireAsset(asset) }
      let holder = try ledger.canonicalAccount(account, asset: asset)
      let (start, end) = (from.flatMap(Self.bound), to.flatMap(Self.bound))
      switch (start, end) {
      case (.height(let first)?, .height(let last)?) where last <= first:
        throw UsageError("history: --to (\(to!)) must come after --from (\(from!))")
      case (.time(let first)?, .time(let last)?) where last <= first:
        throw UsageError("history: --to (\(to!)) must come after --from (\(from!))")
      default: break
      }
      let page = try ledger.historyPage(
        account: holder, asset: asset, after: after, limit: limit, from: start, to: end)
      func counterparty(_ account: Account) -> String {
        if account.holder == holder { return account.bucket.description }
        return account.bucket == .available ? account.holder : account.description
      }
      let header = [
        "seq", "kind", "id", "asset", "height", "time", "bucket", "change", "counterparty",
        "balance",
      ]
      var rows: [[String]] = []
      for entry in page.entries {
        for change in entry.changes {
          rows.append([
            String(entry.sequence), entry.kind.rawValue, entry.idempotencyId ?? "", entry.asset,
            entry.height.map(String.init) ?? "", entry.time.map(UTCTime.format) ?? "",
            change.bucket.description, change.amount.formatted(decimals: entry.decimals),
            counterparty(change.counterparty), change.balance.formatted(decimals: entry.decimals),
          ])
        }
      }
      switch global.format {
      case .json:
        Output.json(
          .object([
            "account": .string(holder),
            "next": page.next.map { .number(String($0)) } ?? .null,
            "entries": .array(
              page.entries.flatMap { entry in
                entry.changes.map { change in
                  .object([
                    "seq": .number(String(entry.sequence)), "kind": .string(entry.kind.rawValue),
                    "id": entry.idempotencyId.map(JSONValue.string) ?? .null,
                    "asset": .string(entry.asset),
                    "height": entry.height.map { .number(String($0)) } ?? .null,
                    "time": entry.time.map { .string(UTCTime.format($0)) } ?? .null,
                    "bucket": .string(change.bucket.description),
                    "change": .string(change.amount.formatted(decimals: entry.decimals)),
                    "counterparty": .string(counterparty(change.counterparty)),
                    "balance": .string(change.balance.formatted(decimals: entry.decimals)),
                  ])
                }
              }),
          ]))
      case .csv: Output.csv(header, rows)
      case .table:
        Output.table(header, rows)
        if let next = page.next {
          Output.line("more: --after \(next)")
        }
      }
      return 0
    }
  }
}
