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

  @Option(help: "Replay up to block height H.")
  var height: Int64?

  @Option(help: "Replay up to time T (YYYY-MM-DDTHH:MM:SSZ).")
  var time: String?

  @Option(
    help:
      "Build the replayed ledger, journal and all, in this new file and keep it (default: only the replayed state, in memory)."
  )
  var into: String?

  func validate() throws {
    if [until != nil, height != nil, time != nil].filter({ $0 }).count > 1 {
      throw ValidationError("give at most one of --until, --height, --time")
    }
    if let time, UTCTime.parse(time) == nil {
      throw ValidationError("--time must be YYYY-MM-DDTHH:MM:SSZ")
    }
  }

  func run() throws {
    try runReporting(global.format, "replay") {
      let ledger = try global.openExisting(readOnly: true)
      let point: PointInTime =
        if let until { .sequence(until) } else if let height { .height(height) } else if let time {
          .time(LedgerTime(unixSeconds: UTCTime.parse(time)!))
        } else { .now }
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
