/// The report for people who sign: one self-contained HTML page (no script, no font, no
/// network), light or dark as the reader's system prefers, and printed light. It shows the
/// ledger's identity (head hash, state digest), the audit that was run for it (every check,
/// when and how long), the checkpoint status, and per asset the charts and the tables with the
/// same numbers, exact.
public enum HTMLReport {
  /// The page for `report`, with the audit run for it at `auditedAt` taking
  /// `auditMilliseconds`; `auditSource` names the file of an audit run earlier.
  public static func render(
    _ report: LedgerReport, audit: AuditReport, auditedAt: LedgerTime, auditMilliseconds: Int64,
    auditSource: String? = nil
  ) -> String {
    var page = Page()
    let info = report.info
    page.add(
      """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="color-scheme" content="light dark">
      <title>TokenLedger report · \(HTML.escape(info.path))</title>
      <style>\(style)</style></head><body>
      <header><h1>Ledger report</h1>
      <p class="sub">\(HTML.escape(info.path)) · generated \(auditedAt.description) · \
      TokenLedger \(HTML.escape(TokenLedger.version)) · schema \(info.schemaVersion)\
      \(rangeText(report))</p></header>
      """)
    page.integrity(
      info, audit: audit, auditedAt: auditedAt, milliseconds: auditMilliseconds,
      source: auditSource)
    for asset in report.assets { page.asset(asset) }
    page.add(
      "<footer>Every amount in tables is exact, in token units. Charts are drawn from the same integers (hover a bar for its exact value). Re-run <code>tokenledger audit</code> and <code>tokenledger info</code> to check the head hash and state digest above.</footer></body></html>\n"
    )
    return page.text
  }

  private static func rangeText(_ report: LedgerReport) -> String {
    guard report.from != nil || report.to != nil else { return "" }
    let from = report.from?.description ?? "the start"
    let to = report.to?.description ?? "now"
    return " · statements from \(from) to \(to) (exclusive)"
  }

  static let style = """
    :root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--card:#f6f8fa;--bar:#2f6fdf;\
    --bar2:#d1495b;--ok:#1a7f37;--bad:#cf222e}
    @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;\
    --line:#30363d;--card:#161b22;--bar:#58a6ff;--bar2:#ff7b72;--ok:#3fb950;--bad:#f85149}}
    @media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--card:#fff;--bar:#1f4fbf;\
    --bar2:#b02a37;--ok:#116329;--bad:#a40e26}section{break-inside:avoid-page}\
    body{margin:0}}
    body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,\
    "Segoe UI",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px}
    h1{font-size:26px;margin:0}h2{font-size:20px;border-bottom:1px solid var(--line);\
    padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:20px 0 6px}
    .sub,footer,.empty{color:var(--muted)}footer{margin:32px 0;font-size:12px}
    code,.mono,td.num{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;\
    font-size:12.5px}
    table{border-collapse:collapse;margin:6px 0 12px}th,td{border-bottom:1px solid var(--line);\
    padding:3px 10px;text-align:left;vertical-align:top}th{color:var(--muted);font-weight:600}\
    td.num,th.num{text-align:right;white-space:nowrap}th,td{white-space:nowrap}\
    td.mono{white-space:normal;word-break:break-all;min-width:200px;max-width:380px}\
    .scroll{overflow-x:auto}@media print{.scroll{overflow:visible}}
    .ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}
    .card{background:var(--card);border:1px solid var(--line);border-radius:6px;\
    padding:10px 14px;margin:10px 0}.hash{word-break:break-all}
    svg.chart{max-width:100%;height:auto;display:block}svg .bar{fill:var(--bar)}\
    svg .bar2{fill:var(--bar2)}svg text{fill:var(--fg);font-size:11px}\
    svg text.value{fill:var(--muted)}svg .axis{stroke:var(--muted)}\
    svg .grid{stroke:var(--line);stroke-dasharray:3 3}
    """
}

/// The page as it is written.
private struct Page {
  var text = ""

  mutating func add(_ html: String) { text += html }

  mutating func integrity(
    _ info: LedgerInfo, audit: AuditReport, auditedAt: LedgerTime, milliseconds: Int64,
    source: String?
  ) {
    let failed = audit.checks.filter { !$0.ok }
    let verdict =
      audit.ok
      ? "<span class=\"ok\">audit passed</span>: \(audit.checks.count) checks, no violation"
      : "<span class=\"bad\">AUDIT FAILED</span>: \(failed.count) of \(audit.checks.count) checks found violations"
    let checkpoint: String
    if let check = audit.checks.first(where: { $0.name == "checkpoint" }) {
      checkpoint =
        check.ok
        ? "<span class=\"ok\">the ledger extends the signed checkpoint</span>"
        : "<span class=\"bad\">the ledger does not extend the signed checkpoint</span>: \(HTML.escape(check.violations.first?.message ?? ""))"
    } else {
      checkpoint =
        "none given (run <code>tokenledger report --checkpoint FILE --public-key HEX</code> to check one)"
    }
    add(
      """
      <section id="integrity"><h2>Integrity</h2><div class="card">
      <p>\(verdict), \(source.map { "read from <code>\(HTML.escape($0))</code> (written \(auditedAt.description); its head is this ledger's)" } ?? "run \(auditedAt.description)") in \(milliseconds) ms.</p>
      <table><tr><th>entries</th><td class="num">\(info.entries)</td></tr>
      <tr><th>head hash</th><td class="mono hash" id="head-hash">\(info.headHash)</td></tr>
      <tr><th>state digest</th><td class="mono hash" id="state-digest">\(info.stateDigest)</td></tr>
      <tr><th>checkpoint</th><td>\(checkpoint)</td></tr></table></div>
      <h3>Audit checks</h3><table><tr><th>check</th><th>result</th><th class="num">violations</th>\
      <th class="num">ms</th></tr>
      """)
    for check in audit.checks {
      add(
        "<tr><td>\(HTML.escape(check.name))</td><td class=\"\(check.ok ? "ok" : "bad")\">\(check.ok ? "ok" : "failed")</td><td class=\"num\">\(check.violationCount)</td><td class=\"num\">\(check.milliseconds)</td></tr>"
      )
      for violation in check.violations.prefix(5) {
        add("<tr><td></td><td colspan=\"3\">\(HTML.escape(violation.message))</td></tr>")
      }
    }
    add("</table></section>\n")
  }

  /// The row of the supply's value in the report's unit, with the prices it used; empty when
  /// the report is not valued.
  func valueRow(_ report: AssetReport, _ symbol: String) -> String {
    guard let supply = report.holdingsValue?.first else { return "" }
    let unit = HTML.escape(supply.unit)
    guard let value = supply.value else {
      return
        "<tr><th>value in \(unit)</th><td class=\"num bad\">unpriced: no price of \(symbol) in \(unit)</td></tr>"
    }
    let prices = supply.route.map { quote in
      "\(HTML.escape(quote.price.description))\(quote.time.map { " at " + UTCTime.format($0) } ?? "")"
    }.joined(separator: " × ")
    return
      "<tr><th>value in \(unit)</th><td class=\"num\" id=\"value-\(symbol)\">\(HTML.exact(value, decimals: supply.decimals)) <small>(\(prices))</small></td></tr>"
  }

  mutating func asset(_ report: AssetReport) {
    let facts = report.facts
    let definition = facts.definition
    let decimals = definition.decimals
    let symbol = HTML.escape(definition.symbol)
    func amount(_ value: Amount) -> String { HTML.exact(SignedAmount(value), decimals: decimals) }
    add(
      """
      <section id="asset-\(symbol)"><h2>\(symbol)</h2><div class="card"><table>
      <tr><th>total supply</th><td class="num" id="supply-\(symbol)">\(amount(facts.supply))</td></tr>
      \(valueRow(report, symbol))
      <tr><th>holders</th><td class="num">\(facts.holders)</td></tr>
      <tr><th>validators</th><td class="num">\(facts.validators)</td></tr>
      <tr><th>entries</th><td class="num">\(facts.entries)</td></tr>
      <tr><th>clock</th><td>\(facts.clockTime.map(UTCTime.format) ?? "no time")\
      \(facts.clockHeight.map { " · height \($0)" } ?? "")</td></tr>
      <tr><th>decimals · scheme · rewards</th><td>\(decimals) · \
      \(HTML.escape(definition.addressScheme.description)) · \(definition.rewardPolicy.rawValue)\
      \(facts.paused ? " · <span class=\"bad\">paused</span>" : "")</td></tr></table></div>
      """)
    add("<h3>Supply over time (end of each \(report.supplyPeriod.rawValue))</h3>")
    add(
      SVGChart.columns(
        report.supply.map(\.label),
        series: [("supply", "bar", report.supply.map(\.value))], decimals: decimals,
        label: "\(definition.symbol) supply over time"))
    add(
      "<p class=\"sub\">Supply over time covers the whole journal; holdings, stake, largest holders and open holds are as of the head hash above; a statement range applies to rewards and slashes only.</p>"
    )
    add("<h3>Holdings by bucket</h3>")
    add(SVGChart.bars(report.buckets, decimals: decimals, label: "holdings by bucket"))
    add(table(["bucket", "amount"], report.buckets.map { [$0.label, amount($0.value)] }))
    if !report.validators.isEmpty {
      add("<h3>Stake by validator</h3>")
      let shown = report.validators.prefix(12).map {
        SeriesPoint(label: $0.record.validator, value: $0.stake)
      }
      add(SVGChart.bars(Array(shown), decimals: decimals, label: "stake by validator"))
      add(
        table(
          ["validator", "commission", "stake", "delegators", "pending rewards"],
          report.validators.map {
            [
              $0.record.validator, $0.record.commission.description, amount($0.stake),
              String($0.delegators), amount($0.pendingRewards),
            ]
          }))
    }
    rewards(report, decimals: decimals)
    add("<h3>Largest holders</h3>")
    add(
      table(
        ["#", "holder", "total"],
        report.topHolders.enumerated().map { [String($0 + 1), $1.label, amount($1.value)] }))
    add("<h3>Open holds</h3>")
    if report.openHolds.isEmpty {
      add("<p class=\"empty\">none</p>")
    } else {
      add(
        table(
          ["hold", "payer", "payee", "amount", "expires"],
          report.openHolds.map {
            [
              $0.hold, $0.payer, $0.payee, amount($0.amount),
              $0.expiresTime.map(UTCTime.format) ?? "",
            ]
          }))
    }
    add("</section>\n")
  }

  private mutating func rewards(_ report: AssetReport, decimals: Int) {
    let statement = report.statement
    func exact(_ value: SignedAmount) -> String { HTML.exact(value, decimals: decimals) }
    add("<h3>Rewards and slashes per month</h3>")
    let earned = report.monthly.map { $0.amounts.earned.amount ?? .max }
    let slashed = report.monthly.map { $0.amounts[.slashed].amount ?? .max }
    add(
      SVGChart.columns(
        report.monthly.map(\.period),
        series: [("earned", "bar", earned), ("slashed", "bar2", slashed)], decimals: decimals,
        label: "rewards and slashes per month"))
    let columns = StatementColumn.allCases
    add(
      table(
        ["month"] + columns.map(\.rawValue) + ["earned"],
        report.monthly.map { month in
          [month.period] + columns.map { exact(month.amounts[$0]) } + [exact(month.amounts.earned)]
        } + [
          ["total"] + columns.map { exact(statement.totals[$0]) } + [exact(statement.totals.earned)]
        ], numericFrom: 1, id: "rewards-\(statement.asset)"))
    if let addsUp = statement.addsUp {
      add(
        addsUp
          ? "<p><span class=\"ok\">adds up</span>: the journal's reward postings (\(exact(statement.journalRewards))) and slash postings (\(exact(statement.journalSlashes))) equal the statement's.</p>"
          : "<p><span class=\"bad\">DOES NOT ADD UP</span>: the journal's reward postings are \(exact(statement.journalRewards)) and its slash postings \(exact(statement.journalSlashes)).</p>"
      )
    }
    let rowsMax = 500
    if !statement.rows.isEmpty {
      add("<h3>Statement by holder and validator</h3>")
      add(
        table(
          ["month", "holder", "validator"] + columns.map(\.rawValue),
          statement.rows.prefix(rowsMax).map { row in
            [row.period, row.holder, row.validator] + columns.map { exact(row.amounts[$0]) }
          }, numericFrom: 3))
      if statement.rows.count > rowsMax {
        add(
          "<p class=\"empty\">\(statement.rows.count - rowsMax) more rows: <code>tokenledger rewards --asset \(HTML.escape(statement.asset)) --by month</code> lists them all.</p>"
        )
      }
    }
  }

  /// A table whose columns from `numericFrom` on (or those named amount-like) are numbers.
  private func table(
    _ header: [String], _ rows: [[String]], numericFrom: Int? = nil, id: String? = nil
  ) -> String {
    let numeric = Set(
      header.indices.filter { index in
        if let numericFrom { return index >= numericFrom }
        return ["amount", "total", "stake", "pending rewards", "#", "delegators"].contains(
          header[index])
      })
    var html = "<div class=\"scroll\"><table\(id.map { " id=\"\(HTML.escape($0))\"" } ?? "")><tr>"
    for (index, cell) in header.enumerated() {
      html += "<th\(numeric.contains(index) ? " class=\"num\"" : "")>\(HTML.escape(cell))</th>"
    }
    html += "</tr>"
    for row in rows {
      html += "<tr>"
      for (index, cell) in row.enumerated() {
        let css =
          numeric.contains(index) ? " class=\"num\"" : (cell.count > 30 ? " class=\"mono\"" : "")
        html += "<td\(css)>\(HTML.escape(cell))</td>"
      }
      html += "</tr>"
    }
    return html + "</table></div>"
  }
}
