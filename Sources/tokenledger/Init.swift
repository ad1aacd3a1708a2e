import ArgumentParser
import TokenLedger

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create an empty ledger (schema applied).",
    discussion: """
      Creates the file (mode 0600) with the current schema and nothing else; assets come with \
      `load` or `defineAsset` lines. An existing ledger is opened and left as it is. Exit 3 when \
      the path is not a ledger file (another application's database, a directory, a FIFO).

      Examples:
        tokenledger init --db books.sqlite
        TOKENLEDGER_DB=books.sqlite tokenledger init
      """)

  @OptionGroup var global: GlobalOptions

  func run() throws {
    try runReporting(global.format, "init") {
      try global.migrateIfFormatOne()
      let ledger = try Ledger.open(at: global.path, create: true)
      let summary = try ledger.summary()
      if global.format == .json {
        Output.json(
          .object([
            "ok": .bool(true), "path": .string(Ledger.displayPath(for: global.path)),
            "entries": .number(String(summary.entries)),
          ]))
      } else {
        Output.line(
          "ledger ready at \(Ledger.displayPath(for: global.path)) (\(summary.entries) entries)")
      }
      return 0
    }
  }
}
