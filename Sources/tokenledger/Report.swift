import ArgumentParser
import Glibc
import TokenLedger

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a self-contained HTML report for the people who sign.",
    discussion: """
      One HTML file, no scripts and nothing fetched: head hash, state digest, a full audit \
      run for the report (every check, when, how long), the checkpoint status, and per asset \
      supply over time, holdings by bucket, stake by validator, rewards and slashes per month, \
      the largest holders and open holds, with the exact numbers of `rewards --by month` \
      beside the charts. Light or dark as the reader's system prefers; prints light. The file \
      is written whole (a temporary file renamed); an existing file is replaced only if it is \
      an earlier report. Exit 1 when the audit finds violations or the statement does not add \
      up (the report is still written and says so).

      Examples:
        tokenledger report --html report.html
        tokenledger report --html fet-2024.html --asset FET --from 2024 --to 2025
        tokenledger report --html r.html --checkpoint cp.json --public-key 3b6a...
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "The HTML file to write.")
  var html: String

  @Option(help: "Only this asset.")
  var asset: String?

  @OptionGroup var period: PeriodOptions

  @Option(
    help: ArgumentHelp(
      "An audit of this head, already run (`tokenledger audit --format json > FILE`).",
      discussion:
        "The report then shows it instead of running its own; it must be of the ledger's head now.")
  )
  var audit: String?

  @Option(
    name: .customLong("value-in"),
    help:
      "Value holdings and rewards in this asset or ISO 4217 currency (USD) from the price facts."
  )
  var valueIn: String?

  @OptionGroup var signed: CheckpointOptions

  func validate() throws {
    if html.isEmpty { throw ValidationError("--html names the file to write") }
    if audit != nil && signed.checkpoint != nil {
      throw ValidationError(
        "--audit shows an audit already run: give its --checkpoint to `tokenledger audit` instead")
    }
  }

  func run() throws {
    try runReporting(global.format, "report") {
      let ledger = try global.openExisting(readOnly: true)
      let (start, end) = try period.bounds("report")
      let anchors = try signed.anchors()
      let started = Progress.milliseconds()
      let audited: AuditedReport
      if let audit {
        Progress.note(
          "report: reading the numbers of \(Ledger.displayPath(for: global.path)) beside the audit in \(audit)"
        )
        audited = try ledger.report(
          audited: try AuditReport(json: try readFile(audit)),
          auditedAt: try Self.modificationTime(audit), asset: asset, from: start, to: end,
          valueIn: valueIn)
      } else {
        Progress.note(
          "report: auditing \(Ledger.displayPath(for: global.path)) and reading its numbers")
        audited = try ledger.auditedReport(
          asset: asset, from: start, to: end, anchors: anchors, valueIn: valueIn)
      }
      let (report, findings) = (audited.report, audited.audit)
      Progress.note(
        "report: audit \(findings.ok ? "passed" : "FAILED")"
          + (audit.map { " (read from \($0))" } ?? " in \(audited.auditMilliseconds) ms"))
      let page = HTMLReport.render(
        report, audit: findings, auditedAt: audited.auditedAt,
        auditMilliseconds: audited.auditMilliseconds, auditSource: audit)
      try ReplacingFile.write(html, page, option: "--html", kind: "TokenLedger report", mode: 0o644)
      {
        Self.isReport($0)
      }
      let addsUp = report.assets.allSatisfy { $0.statement.addsUp != false }
      Progress.note(
        "report: wrote \(html) (\(page.utf8.count) bytes) in \(Progress.milliseconds() - started) ms"
      )
      if global.format == .json {
        Output.json(
          .object([
            "file": .string(html), "ok": .bool(findings.ok && addsUp),
            "auditOk": .bool(findings.ok), "addsUp": .bool(addsUp),
            "entries": .number(String(report.info.entries)),
            "headHash": .string(report.info.headHash),
            "stateDigest": .string(report.info.stateDigest),
            "bytes": .number(String(page.utf8.count)),
          ]))
      } else {
        Output.line(
          "wrote \(html): \(report.info.entries) entries, audit \(findings.ok ? "passed" : "FAILED"), statements \(addsUp ? "add up" : "DO NOT ADD UP"), head \(report.info.headHash)"
        )
      }
      return findings.ok && addsUp ? 0 : 1
    }
  }

  /// When a file was last written (Unix seconds): an audit document's time.
  static func modificationTime(_ path: String) throws -> LedgerTime {
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
    return LedgerTime(unixSeconds: Int64(status.st_mtim.tv_sec))
  }

  /// An earlier report starts with the page's own first lines.
  static func isReport(_ path: String) -> Bool {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 512) }
    guard count > 0 else { return false }
    let head = String(decoding: buffer[..<count], as: UTF8.self)
    return head.hasPrefix("<!doctype html>") && head.contains("<title>TokenLedger report")
  }
}
