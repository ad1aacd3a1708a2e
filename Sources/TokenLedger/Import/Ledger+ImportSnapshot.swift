/// What a state import wrote.
public struct StateImportSummary: Sendable, Equatable {
  /// Validators (hotkeys) registered.
  public var validators = 0
  /// Stakes read.
  public var stakes = 0
  /// Free balances read.
  public var balances = 0
  /// Entries written, and operations the ledger already had (a repeated import).
  public var written = 0
  /// Entries already in the ledger (an import is idempotent).
  public var alreadyPresent = 0

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    .object([
      "ok": .bool(true), "validators": .number(String(validators)),
      "stakes": .number(String(stakes)), "balances": .number(String(balances)),
      "written": .number(String(written)), "alreadyPresent": .number(String(alreadyPresent)),
    ])
  }
}

extension Ledger {
  /// Opens an asset's books from a chain's state (`subtensor-snapshot`): every hotkey becomes
  /// a validator (its own operator, commission 0: the snapshot carries no take), every stake is
  /// minted to its coldkey and delegated to its hotkey, every free balance minted. All or
  /// nothing, in one transaction, each operation with the id
  /// `subtensor/<file hash>/<kind>/<keys>`, so that importing the same snapshot again changes
  /// nothing. An asset that already has other entries is refused (`invalidOperation`):
  /// reconcile it against the snapshot instead.
  public func importSnapshot(
    kind: SourceKind, path: String, asset symbol: String
  ) throws -> StateImportSummary {
    let definition = try requireAsset(symbol)
    guard kind == .subtensorSnapshot else {
      throw LedgerError(.invalidOperation, "import: \(kind.rawValue) is not a state snapshot")
    }
    let snapshot = try SubtensorSnapshot(path: path, asset: definition)
    let prefix = "subtensor/\(snapshot.tag)/"
    var operations: [Operation] = []
    for hotkey in snapshot.hotkeys {
      operations.append(
        Operation(
          id: prefix + "validator/" + hotkey,
          action: .registerValidator(
            asset: symbol, validator: hotkey, operator: hotkey, commission: try Rate(parsing: "0")))
      )
    }
    for stake in snapshot.stakes where !stake.amount.isZero {
      let key = prefix + "stake/\(stake.coldkey)/\(stake.hotkey)"
      operations.append(
        Operation(
          id: key + "/mint", action: .mint(asset: symbol, to: stake.coldkey, amount: stake.amount)))
      operations.append(
        Operation(
          id: key + "/delegate",
          action: .delegate(
            asset: symbol, delegator: stake.coldkey, validator: stake.hotkey, amount: stake.amount))
      )
    }
    for (account, amount) in snapshot.balances where !amount.isZero {
      operations.append(
        Operation(
          id: prefix + "balance/" + account,
          action: .mint(asset: symbol, to: account, amount: amount)))
    }
    var summary = StateImportSummary(
      validators: snapshot.hotkeys.count, stakes: snapshot.stakes.count,
      balances: snapshot.balances.count)
    (summary.written, summary.alreadyPresent) = try applyStateImport(operations, asset: symbol)
    return summary
  }

  /// Applies a state import's operations in one transaction: (written, already present).
  func applyStateImport(_ operations: [Operation], asset: String) throws -> (Int, Int) {
    try write { journal in
      let repeated = try Self.requireFreshOrSame(
        journal, asset: asset, firstId: operations.first?.id)
      var counts = (written: 0, alreadyPresent: 0)
      for operation in operations {
        switch try journal.apply(operation) {
        case .applied:
          // The same import again writes nothing: a position it does not have is another
          // state's, and the books are open already (all or nothing: the transaction rolls
          // back).
          guard !repeated else {
            throw LedgerError(
              .invalidOperation,
              "import: \(asset) was opened from another state: \(operation.id ?? operation.kind.rawValue) is not among its entries (reconcile against this file instead)"
            )
          }
          counts.written += 1
        case .unchanged: counts.alreadyPresent += 1
        }
      }
      return counts
    }
  }

  /// A state import opens an asset's books: the asset has no entries yet (false), or this very
  /// import was applied before (true: its first id is there, and every other operation must
  /// then be there, equal).
  static func requireFreshOrSame(_ journal: Journal, asset: String, firstId: String?) throws
    -> Bool
  {
    if let firstId, try journal.entry(idempotencyId: firstId) != nil { return true }
    guard try !journal.database.assetHasEntries(asset) else {
      throw LedgerError(
        .invalidOperation,
        "import: \(asset) already has entries; a state snapshot opens an asset's books (reconcile against it instead)"
      )
    }
    return false
  }
}

extension StateImportSummary: JSONForm {
  /// Reads the JSON form back; a field that is not one is `invalidOperation` naming it.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "StateImportSummary")
    validators = try fields.int("validators")
    stakes = try fields.int("stakes")
    balances = try fields.int("balances")
    written = try fields.int("written")
    alreadyPresent = try fields.int("alreadyPresent")
  }
}
