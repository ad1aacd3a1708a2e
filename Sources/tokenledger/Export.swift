import ArgumentParser
import TokenLedger

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The journal as JSON Lines that `apply` accepts (same head hash and state digest).")

  @OptionGroup var global: GlobalOptions

  @Option(help: "Stop after entry SEQ.")
  var until: Int64?

  func run() throws {
    try runReporting(global.format, "export") {
      let ledger = try global.openExisting(readOnly: true)
      try ledger.exportLines(until: until) { Output.line($0) }
      return 0
    }
  }
}
