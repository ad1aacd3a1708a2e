import ArgumentParser
import TokenLedger

struct Replay: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rebuild the state from the journal alone and compare it with the stored state.",
    discussion: """
      Applies every journaled operation to a fresh ledger (in memory, or --into PATH) and lists \
      every bucket whose balance differs, with the state digests. Exit 0 when they agree, 1 on \
      any difference.

      Examples:
        tokenledger replay
        tokenledger replay --until 100000 --format json
        tokenledger replay --into rebuilt.sqlite
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Replay up to entry SEQ.")
  var until: Int64?

  @OptionGroup var clock: ClockPointOptions

  @Option(
    help:
      "Build the replayed ledger, journal and all, in this new file and keep it (default: only the replayed state, in memory)."
  )
  var into: String?

  func validate() throws {
    if (until == nil ? 0 : 1) + clock.given > 1 {
      throw ValidationError("give at most one of --until, --height, --time")
    }
    try clock.validateTime()
  }

  func run() throws {
    try runReporting(global.format, "replay") {
      let ledger = try global.openExisting(readOnly: true)
      let point = clock.point(sequence: until)
      let meter = Progress.Meter(
        "replay", total: Int(try ledger.summary().entries), unit: "operations")
      let report = try ledger.replay(until: point, into: into, progress: meter.update)
      meter.finish()
      if global.format == .json {
        Output.json(report.jsonObject)
      } else {
        Output.line("replayed \(report.operations) operations into \(report.entries) entries")
        Output.line(
          "state digest  replayed \(report.stateDigest)  stored \(report.storedStateDigest)")
        Output.line(
          "head hash     replayed \(report.headHash)  stored \(report.storedHeadHash)"
            + (report.headsComparable
              ? "" : "  (not compared: the cut keeps entries of some assets and not of others)"))
        if !report.differences.isEmpty {
          Output.table(
            ["account", "asset", "bucket", "stored", "replayed"],
            report.differences.map { [$0.account, $0.asset, $0.bucket, $0.stored, $0.replayed] })
        }
        for failure in report.failures { Output.line("failed: \(failure)") }
        Output.line(report.ok ? "no differences" : "DIFFERENCES FOUND")
      }
      if !report.ok { Output.error("replay: the journal does not rebuild the stored state") }
      return report.ok ? 0 : 1
    }
  }
}
