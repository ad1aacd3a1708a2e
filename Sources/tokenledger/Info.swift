import ArgumentParser
import TokenLedger

struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The ledger's facts: file, schema, entries, head hash, state digest, assets.",
    discussion: """
      Reads one snapshot. Checkpoints are files kept apart from the ledger (that is their \
      point), so `info` cannot know the last one: check one with `tokenledger audit \
      --checkpoint FILE --public-key HEX`.

      Examples:
        tokenledger info
        tokenledger info --format json | jq -r .headHash
      """)

  @OptionGroup var global: GlobalOptions

  func run() throws {
    try runReporting(global.format, "info", formats: [.table, .json]) {
      let info = try global.openExisting(readOnly: true).info()
      switch global.format {
      case .json:
        Output.json(info.jsonObject)
      default:
        Output.table(
          ["fact", "value"],
          [
            ["path", info.path], ["version", TokenLedger.version],
            ["schema version", String(info.schemaVersion)],
            ["entries", String(info.entries)], ["head hash", info.headHash],
            ["state digest", info.stateDigest],
            ["checkpoint", "kept outside the ledger (audit --checkpoint FILE --public-key HEX)"],
          ])
        Output.line("")
        AssetsCommand.table(info.assets)
      }
      return 0
    }
  }
}

struct AssetsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assets",
    abstract: "Registered assets: decimals, address scheme, clock, supply, holders.",
    discussion: """
      Examples:
        tokenledger assets
        tokenledger assets --format csv
      """)

  @OptionGroup var global: GlobalOptions

  static let header = [
    "asset", "decimals", "scheme", "policy", "paused", "height", "time", "supply", "holders",
    "validators", "entries",
  ]

  static func cells(_ facts: AssetFacts) -> [String] {
    let definition = facts.definition
    return [
      definition.symbol, String(definition.decimals), definition.addressScheme.description,
      definition.rewardPolicy.rawValue, facts.paused ? "yes" : "no",
      facts.clockHeight.map(String.init) ?? "", facts.clockTime.map(UTCTime.format) ?? "",
      definition.format(facts.supply), String(facts.holders), String(facts.validators),
      String(facts.entries),
    ]
  }

  static func table(_ assets: [AssetFacts]) { Output.table(header, assets.map(cells)) }

  func run() throws {
    try runReporting(global.format, "assets", formats: [.table, .json, .csv]) {
      let assets = try global.openExisting(readOnly: true).assets()
      switch global.format {
      case .json: Output.json(.object(["assets": .array(assets.map(\.jsonObject))]))
      case .csv: Output.csv(Self.header, assets.map(Self.cells))
      case .table: Self.table(assets)
      }
      return 0
    }
  }
}

struct Validators: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "An asset's validators: commission, limits, stake, delegators, pending rewards.",
    discussion: """
      Largest stake first. `tokenledger balance --asset S --validator V` lists one validator's \
      delegations.

      Examples:
        tokenledger validators --asset FET
        tokenledger validators --asset TAO --format json
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "The asset.")
  var asset: String

  func run() throws {
    try runReporting(global.format, "validators", formats: [.table, .json, .csv]) {
      let ledger = try global.openExisting(readOnly: true)
      let definition = try ledger.requireAsset(asset)
      let validators = try ledger.validators(asset: definition.symbol)
      let header = [
        "validator", "operator", "commission", "maxRate", "maxChangeRate", "stake", "delegators",
        "pendingRewards",
      ]
      let rows = validators.map { facts in
        [
          facts.record.validator, facts.record.operatorAddress, facts.record.commission.description,
          facts.maxRate(definition)?.description ?? "",
          facts.maxChangeRate(definition)?.description ?? "",
          definition.format(facts.stake), String(facts.delegators),
          definition.format(facts.pendingRewards),
        ]
      }
      switch global.format {
      case .json:
        Output.json(
          .object([
            "asset": .string(definition.symbol),
            "validators": .array(
              validators.map { facts in
                .object([
                  "validator": .string(facts.record.validator),
                  "operator": .string(facts.record.operatorAddress),
                  "commission": .string(facts.record.commission.description),
                  "maxRate": facts.maxRate(definition).map { .string($0.description) } ?? .null,
                  "maxChangeRate": facts.maxChangeRate(definition).map {
                    .string($0.description)
                  } ?? .null,
                  "stake": .string(definition.format(facts.stake)),
                  "delegators": .number(String(facts.delegators)),
                  "pendingRewards": .string(definition.format(facts.pendingRewards)),
                ])
              }),
          ]))
      case .csv: Output.csv(header, rows)
      case .table: Output.table(header, rows)
      }
      return 0
    }
  }
}
