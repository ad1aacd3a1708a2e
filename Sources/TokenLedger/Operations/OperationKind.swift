/// The contract's operations, by their `op` names: the one list from which the shapes, the
/// decoder, the journal's entry kinds and the write path hang (each switches over it, so a new
/// operation cannot be half-added).
public enum OperationKind: String, Sendable, Codable, CaseIterable {
  case defineAsset, mint, openingBalance, burn, transfer, approve, transferFrom, burnFrom
  case setPaused, tick, registerValidator, delegate, undelegate, redelegate, reward, claim
  case slash, distribute, hold, settle, void

  /// The journal's kind of an entry this operation writes.
  public var entryKind: EntryKind {
    switch self {
    case .defineAsset: .defineAsset
    case .mint: .mint
    case .openingBalance: .openingBalance
    case .burn: .burn
    case .transfer: .transfer
    case .approve: .approve
    case .transferFrom: .transferFrom
    case .burnFrom: .burnFrom
    case .setPaused: .setPaused
    case .tick: .tick
    case .registerValidator: .registerValidator
    case .delegate: .delegate
    case .undelegate: .undelegate
    case .redelegate: .redelegate
    case .reward: .reward
    case .claim: .claim
    case .slash: .slash
    case .distribute: .distribute
    case .hold: .hold
    case .settle: .settle
    case .void: .void
    }
  }
}

extension EntryKind {
  /// The operation that writes entries of this kind; nil for those the clock or a migration
  /// writes (`release`, `expire`, `formatChange`).
  public var operationKind: OperationKind? { OperationKind(rawValue: rawValue) }
}
