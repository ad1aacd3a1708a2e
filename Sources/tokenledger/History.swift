import ArgumentParser
import TokenLedger

struct History: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "The entries touching an account.")

  @OptionGroup var global: GlobalOptions

  @Option(help: "The account (address or system account).")
  var account: String

  @Option(help: "Only this asset.")
  var asset: String?

  func run() throws {
    try runReporting(global.format, "history", formats: [.table, .json, .csv]) {
      let ledger = try global.openExisting(readOnly: true)
      let holder = try ledger.canonicalAccount(account, asset: asset)
      let entries = try ledger.history(account: holder, asset: asset)
      let header = ["seq", "kind", "id", "asset", "height", "time", "bucket", "change"]
      var rows: [[String]] = []
      for entry in entries {
        for change in entry.changes {
          rows.append([
            String(entry.sequence), entry.kind, entry.idempotencyId ?? "", entry.asset,
            entry.height.map(String.init) ?? "", entry.time.map(UTCTime.format) ?? "",
            change.bucket.description, change.amount.formatted(decimals: entry.decimals),
          ])
        }
      }
      switch global.format {
      case .json:
        Output.json(
          .object([
            "account": .string(holder),
            "entries": .array(
              rows.map { row in
                .object(
                  Dictionary(uniqueKeysWithValues: zip(header, row.map { JSONValue.string($0) })))
              }),
          ]))
      case .csv: Output.csv(header, rows)
      case .table: Output.table(header, rows)
      }
      return 0
    }
  }
}
