import ArgumentParser
import TokenLedger

extension SourceKind: ExpressibleByArgument {}

struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Bring on-chain data into the ledger, idempotently.",
    discussion: """
      Kinds: etherscan-csv, eth-logs, etl-transfers (transfers of the asset's contract), \
      cosmos-export (a Cosmos SDK state export: balances, delegations, unbonding, rewards) and \
      subtensor-snapshot (Bittensor balances and stakes); state kinds need a ledger with no \
      entries of that asset. prices-csv (a time,price file) writes price facts of --asset in \
      --in (an asset or an ISO 4217 code), one per time. All or nothing: a bad row, named by its line or element, and \
      nothing is imported; rows already present are counted, not applied twice.

      Examples:
        tokenledger import --kind eth-logs logs.jsonl --asset FET
        tokenledger import --kind cosmos-export export.json --asset TESTFET
        tokenledger import --kind subtensor-snapshot snapshot.json --asset TAO
        tokenledger import --kind prices-csv fet-usd.csv --asset FET --in USD
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "The source kind.")
  var kind: SourceKind

  @Argument(help: "The source file.")
  var file: String

  @Option(help: "The asset whose contract selects the rows (required when the ledger has several).")
  var asset: String?

  @Flag(
    help:
      "Reject a transfer whose sender is short instead of drawing an opening balance from @external."
  )
  var strict = false

  @Option(help: "cosmos-export: the export's block height, when the file does not say (SDK 0.39).")
  var height: Int64?

  @Option(name: .customLong("in"), help: "prices-csv: the unit the prices are in (USD, TAO, ...).")
  var unit: String?

  func validate() throws {
    if kind == .balancesCSV || kind == .subtensorStakes {
      throw ValidationError("\(kind.rawValue) can be reconciled, not imported")
    }
    if (kind == .pricesCSV) != (unit != nil) {
      throw ValidationError("--in goes with prices-csv, and prices-csv needs --in")
    }
  }

  func run() throws {
    try runReporting(global.format, "import") {
      let ledger = try global.openExisting()
      let symbol = try resolveAsset(ledger, asset)
      if kind == .pricesCSV, let unit {
        let summary = try ledger.importPrices(path: file, asset: symbol, in: unit)
        Output.committedNote = "the import was committed; only this report was lost"
        if global.format == .json {
          Output.json(
            .object([
              "imported": .number(String(summary.imported)),
              "alreadyPresent": .number(String(summary.alreadyPresent)),
            ]))
        } else {
          Output.line(
            "prices imported \(summary.imported), already present \(summary.alreadyPresent)")
        }
        return 0
      }
      if kind == .cosmosExport {
        let summary = try ledger.importCosmosExport(path: file, asset: symbol, height: height)
        Output.committedNote = "the import was committed; only this report was lost"
        if global.format == .json {
          Output.json(summary.jsonObject)
        } else {
          Output.line(
            "\(summary.chainId) at height \(summary.height): \(summary.validators) validators, \(summary.positions) positions: \(summary.written) entries written, \(summary.alreadyPresent) already present"
          )
          Output.table(["fact", "base units"], summary.facts.map { [$0.name, $0.value] })
        }
        return 0
      }
      if kind.isStateSnapshot {
        let summary = try ledger.importSnapshot(kind: kind, path: file, asset: symbol)
        Output.committedNote = "the import was committed; only this report was lost"
        if global.format == .json {
          Output.json(summary.jsonObject)
        } else {
          Output.line(
            "validators \(summary.validators), stakes \(summary.stakes), balances \(summary.balances): \(summary.written) entries written, \(summary.alreadyPresent) already present"
          )
        }
        return 0
      }
      let meter = Progress.Meter("import", unit: "rows")
      let summary = try ledger.importTransfers(
        kind: kind, path: file, asset: symbol, strict: strict, progress: meter.update)
      meter.finish()
      Output.committedNote =
        "the import was committed (\(summary.imported) transfers); only this report was lost"
      if global.format == .json {
        Output.json(summary.jsonObject)
      } else {
        Output.line(
          "imported \(summary.imported), already present \(summary.alreadyPresent), opening balances \(summary.openingBalances)"
        )
        for (reason, count) in summary.skipped.sorted(by: { $0.key < $1.key }) {
          Output.line("skipped \(count): \(reason.rawValue)")
        }
      }
      return 0
    }
  }
}

/// The asset named, or the only one the ledger has.
func resolveAsset(_ ledger: Ledger, _ asset: String?) throws -> String {
  if let asset { return asset }
  let symbols = try ledger.assetSymbols()
  guard symbols.count == 1 else {
    throw LedgerError(
      .invalidOperation,
      "the ledger has \(symbols.count) assets (\(symbols.joined(separator: ", "))): name one with --asset"
    )
  }
  return symbols[0]
}
