import ArgumentParser
import TokenLedger

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create an empty ledger (schema applied).")

  @OptionGroup var global: GlobalOptions

  func run() throws {
    try runReporting(global.format, "init") {
      let ledger = try Ledger.open(at: global.path, create: true)
      let summary = try ledger.summary()
      if global.format == .json {
        Output.json(
          .object([
            "ok": .bool(true), "path": .string(global.path),
            "entries": .number(String(summary.entries)),
          ]))
      } else {
        Output.line("ledger ready at \(global.path) (\(summary.entries) entries)")
      }
      return 0
    }
  }
}
