import ArgumentParser
import TokenLedger

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The journal as JSON Lines that `apply` accepts (same head hash and state digest).",
    discussion: """
      defineAsset lines first, then every operation with its id and clock, so that `init` + \
      `apply` rebuilds the same head hash and state digest. Refuses (exit 1) a journal whose \
      hash chain does not verify.

      Examples:
        tokenledger export > journal.jsonl
        tokenledger export --until 5000 | tokenledger apply - --db copy.sqlite
      """)

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
