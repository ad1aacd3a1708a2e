/// What a Cosmos export import wrote and what it found.
public struct CosmosImportSummary: Sendable {
  /// The export's chain id.
  public var chainId = ""
  /// The block height it was exported at.
  public var height: Int64 = 0
  /// Validators registered.
  public var validators = 0
  /// Balances, stakes, unbonding entries and pending rewards read.
  public var positions = 0
  /// Entries written.
  public var written = 0
  /// Entries already in the ledger (an import is idempotent).
  public var alreadyPresent = 0
  /// Supply, pools, identities and the dust truncation leaves, in base units (decimal text).
  public var facts: [(name: String, value: String)] = []

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    .object([
      "ok": .bool(true), "chainId": .string(chainId), "height": .number(String(height)),
      "validators": .number(String(validators)), "positions": .number(String(positions)),
      "written": .number(String(written)), "alreadyPresent": .number(String(alreadyPresent)),
      "facts": .object(
        Dictionary(uniqueKeysWithValues: facts.map { ($0.name, .string($0.value)) })),
    ])
  }
}

extension Ledger {
  /// Opens an asset's books from a Cosmos SDK state export: every validator registered (its
  /// commission; its operator is the account of the same key), every customer's coins of the
  /// asset's `denom` available, every delegation staked (floor(shares × tokens ÷ shares)),
  /// every unbonding entry released at its own completion time, every delegation's pending
  /// rewards by the F1 algorithm and every validator's accumulated commission (its operator's
  /// rewards), each truncated to a base unit. Module accounts are not customers. All or
  /// nothing; entries carry the height and ids `<chain>/<height>/<key>`, so the same export
  /// imported again writes nothing; an asset with other entries is refused (reconcile it).
  /// `height` is required when the file does not say (SDK 0.39 exports).
  public func importCosmosExport(
    path: String, asset symbol: String, height: Int64? = nil
  ) throws -> CosmosImportSummary {
    let (export, state, exportHeight) = try Self.cosmosState(
      path: path, definition: try requireAsset(symbol), height: height, requireConsistent: true)
    let prefix = "\(export.chainId)/\(exportHeight)/"
    var operations: [Operation] = []
    for validator in state.validators {
      operations.append(
        Operation(
          id: prefix + "validator/" + validator.validator, height: exportHeight,
          action: .registerValidator(
            asset: symbol, validator: validator.validator, operator: validator.operatorAccount,
            commission: validator.commission, maxRate: validator.maxRate,
            maxChangeRate: validator.maxChangeRate)))
    }
    for position in state.positions {
      let action: Operation.Action =
        if let opening = position.position {
          .openingPosition(
            asset: symbol, to: position.holder, amount: position.amount, position: opening)
        } else {
          .openingBalance(asset: symbol, to: position.holder, amount: position.amount)
        }
      operations.append(Operation(id: prefix + position.key, height: exportHeight, action: action))
    }
    var summary = CosmosImportSummary(
      chainId: export.chainId, height: exportHeight, validators: state.validators.count,
      positions: state.positions.count, facts: state.facts.map { ($0.0, $0.1) })
    (summary.written, summary.alreadyPresent) = try applyStateImport(operations, asset: symbol)
    return summary
  }

  /// An export reconciles only with the chain its asset was imported from (the chain id in the
  /// ids of the import's entries), when it was imported.
  static func checkChain(_ journal: Journal, asset: String, chainId: String) throws {
    guard let id = try journal.database.importedValidatorId(asset: asset),
      let chain = id.split(separator: "/").first
    else { return }
    guard chain == chainId else {
      throw LedgerError(
        .invalidOperation,
        "reconcile: the export is of chain \(chainId), \(asset) was imported from \(chain)")
    }
  }

  /// Reads an export for an asset and derives its positions; checks that the asset fits it.
  /// Touches no ledger (reconcile calls it inside its read transaction).
  static func cosmosState(
    path: String, definition: AssetDefinition, height: Int64?, requireConsistent: Bool
  ) throws -> (CosmosExport, CosmosState, Int64) {
    let symbol = definition.symbol
    guard let denom = definition.denom else {
      throw LedgerError(
        .invalidOperation, "cosmos-export: asset \(symbol) has no 'denom' to select its coins")
    }
    guard case .bech32(let humanReadablePart) = definition.addressScheme else {
      throw LedgerError(
        .invalidOperation, "cosmos-export: asset \(symbol)'s addresses are not bech32:<hrp>")
    }
    let export = try CosmosExport(path: path, denom: denom, scheme: definition.addressScheme)
    if let bondDenom = export.bondDenom, bondDenom != denom {
      throw LedgerError(
        .invalidOperation,
        "cosmos-export: the chain stakes \(bondDenom), asset \(symbol) is \(denom): its stakes and rewards are another coin's"
      )
    }
    if let seconds = export.unbondingSeconds, seconds != definition.unbondingSeconds {
      throw LedgerError(
        .invalidOperation,
        "cosmos-export: the chain unbonds over \(seconds) s, asset \(symbol) over \(definition.unbondingSeconds) s"
      )
    }
    guard let exportHeight = export.height ?? height else {
      throw LedgerError(
        .invalidOperation,
        "cosmos-export: \(path) does not say its height (SDK 0.39): give it (--height)")
    }
    guard (0...Limits.heightMax).contains(exportHeight) else {
      throw LedgerError(
        .invalidOperation,
        "cosmos-export: --height \(exportHeight) is not a height in 0...\(Limits.heightMax)")
    }
    if let height, let fileHeight = export.height, height != fileHeight {
      throw LedgerError(
        .invalidOperation,
        "cosmos-export: --height \(height), but the export is of height \(fileHeight)")
    }
    // Every address was read through the asset's scheme (``CosmosExport``), and an operator's
    // account is its validator's key under the account prefix: none needs checking again.
    let state = try CosmosState(
      export, humanReadablePart: humanReadablePart, height: exportHeight,
      requireConsistent: requireConsistent)
    return (export, state, exportHeight)
  }
}

extension CosmosImportSummary: JSONForm {
  /// Reads the JSON form back; the facts come back sorted by name (an object keeps no order).
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "CosmosImportSummary")
    chainId = try fields.string("chainId")
    height = try fields.integer("height")
    validators = try fields.int("validators")
    positions = try fields.int("positions")
    written = try fields.int("written")
    alreadyPresent = try fields.int("alreadyPresent")
    facts = try fields.object("facts").sorted { $0.key < $1.key }.map { name, value in
      guard case .string(let text) = value else {
        throw fields.fail("facts." + name, "is not a string")
      }
      return (name, text)
    }
  }
}
