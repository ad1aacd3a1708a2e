import ArgumentParser
import TokenLedger

struct Rewards: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rewards earned, claimed and slashed, per period, holder and validator.",
    discussion: """
      Columns: commission (a validator's take, credited to its operator), credited (a \
      delegator's share into its rewards bucket: claim assets such as FET), compounded (a \
      share added to the stake: compound assets such as TAO), distributed (a distribute paid \
      to an address that is not a validator), claimed (pending rewards moved to available), \
      slashed. Periods are UTC days, months or years; --from is inclusive, --to exclusive, each \
      a time (2024-01-02T00:00:00Z), a date (2024-01-02), a month (2024-01) or a year (2024). \
      The last line of a table is the total; without --delegator or --validator it is checked \
      against the journal's own sums of reward and slash postings (exit 1 if they differ).

      Examples:
        tokenledger rewards --asset FET --by month
        tokenledger rewards --asset FET --delegator fetch1... --from 2024 --to 2025 --format csv
        tokenledger rewards --asset TAO --validator 5F... --by day --format json
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Only this delegator's rows (an operator's commission is its own).")
  var delegator: String?

  @Option(help: "Only this validator's rows.")
  var validator: String?

  @Option(help: "The asset.")
  var asset: String

  @OptionGroup var period: PeriodOptions

  @Option(help: "The period: day, month or year.")
  var by: StatementPeriod = .month

  @Option(
    name: .customLong("value-in"),
    help:
      "Value each reward in this asset or ISO 4217 currency (USD) at the last price at or before its own time."
  )
  var valueIn: String?

  func validate() throws {
    if delegator != nil && validator != nil {
      throw ValidationError("give --delegator or --validator, not both")
    }
  }

  func run() throws {
    try runReporting(global.format, "rewards", formats: [.table, .json, .csv]) {
      let ledger = try global.openExisting(readOnly: true)
      let definition = try ledger.requireAsset(asset)
      let holder = try delegator.map { try ledger.canonicalAccount($0, asset: asset) }
      let validatorName = try validator.map { try ledger.canonicalAccount($0, asset: asset) }
      if let validatorName {
        _ = try ledger.delegations(asset: asset, validator: validatorName)  // unknownValidator
      }
      let (start, end) = try period.bounds("rewards")
      let statement = try ledger.rewardStatement(
        asset: definition.symbol, holder: holder, validator: validatorName, from: start, to: end,
        by: by, valueIn: valueIn)
      StatementOutput(statement: statement, format: global.format).print()
      return statement.addsUp == false ? 1 : 0
    }
  }
}

extension StatementPeriod: ExpressibleByArgument {}

/// A statement as a table, CSV or JSON.
struct StatementOutput {
  let statement: RewardStatement
  let format: OutputFormat

  static let columns = StatementColumn.allCases

  func amount(_ value: SignedAmount) -> String { value.formatted(decimals: statement.decimals) }

  /// The value columns of a valued statement: the value in the unit, and what had no price.
  func valueCells(_ value: StatementValue?) -> [String] {
    guard let value else { return [] }
    return [value.text, value.unpriced.formatted(decimals: statement.decimals)]
  }

  func print() {
    let unit = statement.totalValue?.unit
    let header =
      ["period", "holder", "validator"] + Self.columns.map(\.rawValue) + ["earned"]
      + (unit.map { ["value \($0)", "unpriced"] } ?? [])
    let rows = statement.rows.map { row in
      [row.period, row.holder, row.validator] + Self.columns.map { amount(row.amounts[$0]) }
        + [amount(row.amounts.earned)] + valueCells(row.value)
    }
    // JSON keys are camelCase: the value is `value`, its unit `valueIn`.
    let keys = header.map { $0.hasPrefix("value ") ? "value" : $0 }
    switch format {
    case .json:
      Output.json(
        .object([
          "asset": .string(statement.asset), "by": .string(statement.period.rawValue),
          "valueIn": unit.map(JSONValue.string) ?? .null,
          "rows": .array(
            rows.map { row in
              .object(Dictionary(uniqueKeysWithValues: zip(keys, row.map(JSONValue.string))))
            }),
          "totals": .object(
            Dictionary(
              uniqueKeysWithValues: Self.columns.map {
                ($0.rawValue, JSONValue.string(amount(statement.totals[$0])))
              } + [("earned", .string(amount(statement.totals.earned)))]
                + valueCells(statement.totalValue).enumerated().map {
                  (keys[keys.count - 2 + $0.offset], JSONValue.string($0.element))
                })),
          "journal": .object([
            "rewards": .string(amount(statement.journalRewards)),
            "slashes": .string(amount(statement.journalSlashes)),
            "addsUp": statement.addsUp.map(JSONValue.bool) ?? .null,
          ]),
        ]))
    case .csv:
      Output.csv(header, rows)
    case .table:
      let total =
        ["total", "", ""] + Self.columns.map { amount(statement.totals[$0]) }
        + [amount(statement.totals.earned)] + valueCells(statement.totalValue)
      Output.table(header, rows + [total])
      if let value = statement.totalValue, value.unpricedCount > 0 {
        Output.line(
          "unpriced: \(value.unpricedCount) rewards (\(value.unpriced.formatted(decimals: statement.decimals)) \(statement.asset)) have no \(value.unit) price at or before their time"
        )
      }
      if let addsUp = statement.addsUp {
        Output.line(
          ColorMode.verdict(addsUp ? "adds up" : "DOES NOT ADD UP", good: addsUp)
            + (addsUp
              ? ": rewards \(amount(statement.journalRewards)) and slashes \(amount(statement.journalSlashes)) are the journal's"
              : ": the journal's rewards are \(amount(statement.journalRewards)), slashes \(amount(statement.journalSlashes))")
        )
      }
    }
  }
}
