import ArgumentParser
import TokenLedger

struct Audit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check every invariant of the ledger; read-only.",
    discussion: """
      Runs every registered check on one snapshot: SQLite integrity, the hash chain, balanced \
      entries, materialized balances, conservation, no negative holder, clocks, idempotency, \
      allowances, validator stakes, unbonding, holds; with --expect-head or --checkpoint it also \
      checks the journal still extends them. Exit 0 when clean, 1 when any check finds a \
      violation, 3 when the file cannot be read.

      Examples:
        tokenledger audit
        tokenledger audit --format json > audit.json
        tokenledger audit --checkpoint cp.json --public-key 3b6a...
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "A head hash recorded earlier; the journal must still contain it.")
  var expectHead: String?

  @OptionGroup var signed: CheckpointOptions

  func run() throws {
    try runReporting(global.format, "audit") {
      // An audit reads: a journal-format-1 ledger is audited as it is (in a scratch copy),
      // never migrated by it.
      let formatOne = try global.isFormatOne()
      let ledger = formatOne ? nil : try global.openExisting(readOnly: true, migrate: false)
      var finished = 0
      let meter = Progress.Meter(
        "audit", total: AuditReport.registeredChecks.count, unit: "checks")
      let anchors = try signed.anchors(expectHead: expectHead)
      let step = { (_: String) in
        finished += 1
        meter.update(finished)
      }
      let report =
        try ledger?.audit(anchors: anchors, progress: step)
        ?? Ledger.auditFormatOne(at: global.path, anchors: anchors, progress: step)
      meter.finish()
      if formatOne {
        Progress.note(
          "\(global.path) is a journal-format-1 ledger: audited as it is, in a scratch copy;"
            + " any other command that opens it migrates it to format 2")
      }
      if global.format == .json {
        Output.json(report.jsonObject)
      } else {
        Output.table(
          ["check", "result", "violations", "ms"],
          report.checks.map {
            [
              $0.name, $0.ok ? "ok" : "FAIL",
              String($0.violationCount), String($0.milliseconds),
            ]
          })
        for check in report.checks where !check.ok {
          Output.line("")
          Output.line("\(check.name):")
          for violation in check.violations { Output.line("  " + Self.describe(violation)) }
          if check.violationCount > check.violations.count {
            Output.line("  … and \(check.violationCount - check.violations.count) more")
          }
        }
        Output.line("")
        Output.line(
          "entries \(report.entries)  head \(report.headHash)  state \(report.stateDigest)")
      }
      if !report.ok {
        Output.error(
          "audit: \(report.checks.filter { !$0.ok }.map(\.name).joined(separator: ", ")) failed")
      }
      return report.ok ? 0 : 1
    }
  }

  static func describe(_ violation: Violation) -> String {
    var parts = [violation.message]
    if let sequence = violation.sequence { parts.append("entry \(sequence)") }
    if let id = violation.idempotencyId { parts.append("id \(id)") }
    if let account = violation.account { parts.append("account \(account)") }
    if let bucket = violation.bucket { parts.append("bucket \(bucket)") }
    if let asset = violation.asset { parts.append("asset \(asset)") }
    if let expected = violation.expected { parts.append("expected \(expected)") }
    if let actual = violation.actual { parts.append("actual \(actual)") }
    return parts.joined(separator: "; ")
  }
}
