/// The contract's operations, by their `op` names: the one list from which the shapes, the
/// decoder, the journal's entry kinds and the write path hang (each switches over it, so a new
/// operation cannot be half-added).
public enum OperationKind: String, Sendable, Codable, CaseIterable {
  case defineAsset, mint, openingBalance, burn, transfer, approve, transferFrom, burnFrom
  case setPaused, tick, registerValidator, delegate, undelegate, redelegate, reward, claim
  case slash, distribute, hold, settle, void
  case swap, convert, stakeIntoSubnet, unstakeFromSubnet, moveStake, transferStake, price

  /// The journal's kind of an entry this operation writes (the same name:
  /// `OperationKindTests` proves every operation has one).
  public var entryKind: EntryKind {
    guard let kind = EntryKind(rawValue: rawValue) else {
      preconditionFailure("operation \(rawValue) has no entry kind")
    }
    return kind
  }
}

extension EntryKind {
  /// The operation that writes entries of this kind; nil for those the clock or a migration
  /// writes (`release`, `expire`, `formatChange`).
  public var operationKind: OperationKind? { OperationKind(rawValue: rawValue) }
}
