import ArgumentParser
import TokenLedger

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The journal as JSON Lines that `apply` accepts (same head hash and state digest).",
    discussion: """
      defineAsset lines first, then every operation with its id and clock, so that `init` + \
      `apply` rebuilds the same head hash and state digest. Its output is JSON Lines, so \
      --format json (which promises one document) is refused. Refuses (exit 1) a journal whose \
      hash chain does not verify.

      Examples:
        tokenledger export > journal.jsonl
        tokenledger init --db copy.sqlite && tokenledger export | tokenledger apply - --db copy.sqlite
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Stop after entry SEQ.")
  var until: Int64?

  func run() throws {
    try runReporting(global.format, "export", formats: [.table]) {
      let ledger = try global.openExisting(readOnly: true)
      let total = try until ?? ledger.summary().entries
      let meter = Progress.Meter("export", total: Int(total), unit: "lines")
      var lines = 0
      try ledger.exportLines(until: until) {
        Output.line($0)
        lines += 1
        if lines % 10_000 == 0 { meter.update(lines) }
      }
      meter.finish()
      return 0
    }
  }
}
