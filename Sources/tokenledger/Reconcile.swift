import ArgumentParser
import TokenLedger

struct Reconcile: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare the ledger with an external source; writes nothing.",
    discussion: """
      Kinds: etherscan-csv, eth-logs, etl-transfers, balances-csv, cosmos-export, \
      subtensor-snapshot, subtensor-stakes (the SDK's stake list; --asset names the subnet's \
      alpha, or TAO for netuid 0). Transfer sources match on the id; balance sources on address, asset, \
      bucket and validator; every non-zero ledger amount must be covered. Exit 0 when they \
      agree, 1 on any difference, 2 when the file is not of the kind named.

      Examples:
        tokenledger reconcile --kind balances-csv balances.csv --asset FET
        tokenledger reconcile --kind cosmos-export export.json --asset TESTFET --format json
        tokenledger reconcile --kind subtensor-stakes stakes.json --asset SN1 --height 5000500
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "The source kind.")
  var kind: SourceKind

  @Argument(help: "The source file.")
  var file: String

  @Option(help: "The asset to compare (required when the ledger has several).")
  var asset: String?

  @Option(help: "Balance sources: the largest difference still counted as a match, in token units.")
  var tolerance: String = "0"

  @Option(help: "Balance sources: compare with the state at block height H.")
  var height: Int64?

  func run() throws {
    try runReporting(global.format, "reconcile", formats: [.table, .json, .csv]) {
      let ledger = try global.openExisting(readOnly: true)
      let symbol = try resolveAsset(ledger, asset)
      guard let definition = try ledger.asset(symbol) else {
        throw LedgerError(.unknownAsset, "reconcile: unknown asset '\(symbol)'")
      }
      let report = try ledger.reconcile(
        kind: kind, path: file, asset: symbol, tolerance: try definition.amount(tolerance),
        at: height.map { .height($0) } ?? .now)
      switch global.format {
      case .json: Output.json(report.jsonObject)
      case .csv: printCSV(report)
      case .table: printTable(report)
      }
      if !report.ok { Output.error("reconcile: the ledger and the source differ") }
      return report.ok ? 0 : 1
    }
  }

  private func rows(_ report: ReconcileReport) -> [[String]] {
    let groups: [(String, [ReconcileItem])] = [
      ("mismatched", report.mismatched), ("missingInLedger", report.missingInLedger),
      ("missingInSource", report.missingInSource), ("rejected", report.rejected),
    ]
    return groups.flatMap { name, items in
      items.map {
        [name, $0.key, $0.ledger ?? "", $0.source ?? "", $0.difference ?? "", $0.detail ?? ""]
      }
    }
  }

  private func printCSV(_ report: ReconcileReport) {
    Output.csv(["status", "key", "ledger", "source", "difference", "detail"], rows(report))
  }

  private func printTable(_ report: ReconcileReport) {
    Output.line(
      "\(report.kind.rawValue) \(report.asset): matched \(report.matched), mismatched \(report.mismatchedCount), missing in ledger \(report.missingInLedgerCount), missing in source \(report.missingInSourceCount), rejected \(report.rejectedCount)"
    )
    Output.line("totals: source \(report.sourceTotal), ledger \(report.ledgerTotal)")
    if report.ledgerAccounts > 0 {
      Output.line("coverage: \(report.coveredAccounts) of \(report.ledgerAccounts) ledger accounts")
    }
    for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) {
      Output.line("skipped \(count): \(reason.rawValue)")
    }
    let differences = rows(report)
    if !differences.isEmpty {
      Output.line("")
      Output.table(["status", "key", "ledger", "source", "difference", "detail"], differences)
    }
  }
}
