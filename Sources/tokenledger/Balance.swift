import ArgumentParser
import TokenLedger

struct Balance: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Balances per account and bucket, now or at a point in time.",
    discussion: """
      One row per holder and asset: available, staked, unbonding, rewards, held and total. \
      System accounts (@supply, @emission, @slashed, @external) show only when named. \
      --at/--height/--time sum the postings up to that point; --validator lists one \
      validator's delegations with each delegator's share.

      Examples:
        tokenledger balance --asset FET
        tokenledger balance --account fetch1... --time 2024-01-10T00:00:00Z
        tokenledger balance --asset FET --validator fetchvaloper1... --format csv
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Only this account (an address, or a system account such as @supply).")
  var account: String?

  @Option(help: "Only this asset.")
  var asset: String?

  @Option(help: "List the delegations of this validator (needs --asset).")
  var validator: String?

  @Option(help: "The state after entry SEQ.")
  var at: Int64?

  @OptionGroup var clock: ClockPointOptions

  @Option(
    name: .customLong("value-in"),
    help:
      "Value each total in this asset or ISO 4217 currency (USD) at the last price at that point."
  )
  var valueIn: String?

  func validate() throws {
    if (at == nil ? 0 : 1) + clock.given > 1 {
      throw ValidationError("give at most one of --at, --height, --time")
    }
    if validator != nil && (asset == nil || at != nil || clock.isGiven) {
      throw ValidationError("--validator needs --asset and shows the current state")
    }
    if validator != nil && account != nil {
      throw ValidationError("--validator lists every delegator: leave out --account")
    }
    try clock.validateTime()
  }

  func run() throws {
    try runReporting(global.format, "balance", formats: [.table, .json, .csv]) {
      let ledger = try global.openExisting(readOnly: true)
      // A misspelled asset or account is an error that says so, never an empty table.
      if let asset { _ = try ledger.requireAsset(asset) }
      if let validator, let asset {
        try printDelegations(ledger, asset: asset, validator: validator)
        return 0
      }
      let point = clock.point(sequence: at)
      let holder = try account.map { try ledger.canonicalAccount($0, asset: asset) }
      let rows = try ledger.balances(account: holder, asset: asset, at: point)
      let values = try valueIn.map { try ledger.valuations(of: rows, in: $0, at: point) }
      let header =
        [
          "account", "asset", "available", "staked", "unbonding", "rewards", "held", "total",
        ] + (valueIn.map { ["value \($0)"] } ?? [])
      let cells = rows.enumerated().map { index, row in
        [row.account, row.asset]
          + [Bucket.Kind.available, .staked, .unbonding, .rewards, .held].map { row.formatted($0) }
          + [row.formatted(nil)] + (values.map { [$0[index].text] } ?? [])
      }
      switch global.format {
      case .json:
        // JSON keys are camelCase: the value is `value`, its unit `valueIn`.
        let keys = header.map { $0.hasPrefix("value ") ? "value" : $0 }
        Output.json(
          .object(
            [
              "balances": .array(
                cells.map { row in
                  .object(
                    Dictionary(uniqueKeysWithValues: zip(keys, row.map { JSONValue.string($0) })))
                })
            ].merging(valueIn.map { ["valueIn": .string($0)] } ?? [:]) { first, _ in first }))
      case .csv: Output.csv(header, cells)
      case .table: Output.table(header, cells)
      }
      return 0
    }
  }

  private func printDelegations(_ ledger: Ledger, asset: String, validator: String) throws {
    let definition = try ledger.requireAsset(asset)
    let canonical = try ledger.canonicalAccount(validator, asset: asset)
    let delegations = try ledger.delegations(asset: asset, validator: canonical)
    let header = ["delegator", "staked", "share", "rewards"]
    let rows = delegations.map { delegation in
      [
        delegation.delegator, definition.format(delegation.staked),
        Share.percent(delegation.staked, of: delegation.validatorStake),
        definition.format(delegation.rewards),
      ]
    }
    switch global.format {
    case .json:
      Output.json(
        .object([
          "validator": .string(canonical), "asset": .string(asset),
          "stake": .string(definition.format(delegations.first?.validatorStake ?? .zero)),
          "delegations": .array(
            rows.map { row in
              .object(
                Dictionary(uniqueKeysWithValues: zip(header, row.map { JSONValue.string($0) })))
            }),
        ]))
    case .csv: Output.csv(header, rows)
    case .table: Output.table(header, rows)
    }
  }
}

/// A share as a percentage with six decimals, rounded down, in integer arithmetic.
enum Share {
  static func percent(_ part: Amount, of whole: Amount) -> String {
    guard !whole.isZero else { return "0%" }
    let scaled = whole.baseUnits.dividingFullWidth(
      part.baseUnits.multipliedFullWidth(by: 100_000_000)
    ).quotient
    return Amount(baseUnits: scaled).formatted(decimals: 6) + "%"
  }
}
