/// One delegation of a validator: who staked how much, and their share of its stake.
public struct Delegation: Sendable, Equatable, Codable {
  /// Who staked.
  public let delegator: String
  /// How much is staked on the validator.
  public let staked: Amount
  /// Rewards credited on it and not yet claimed.
  public let rewards: Amount
  /// The validator's stake as the journal keeps it (the sum of all staked buckets).
  public let validatorStake: Amount
}

extension Ledger {
  /// The delegations of a validator, largest first, with their pending rewards.
  public func delegations(asset: String, validator: String) throws -> [Delegation] {
    try read { journal in
      guard let record = try journal.validator(asset: asset, validator: validator) else {
        throw LedgerError(.unknownValidator, "\(validator) is not a registered \(asset) validator")
      }
      let total = try journal.validatorStake(asset: asset, validator: record.validator)
      let staked = try journal.buckets(asset: asset, validator: validator, kind: .staked)
      var rewards: [String: Amount] = [:]
      for (account, amount) in try journal.buckets(
        asset: asset, validator: validator, kind: .rewards)
      {
        rewards[account.holder] = amount
      }
      return staked.map {
        Delegation(
          delegator: $0.account.holder, staked: $0.amount,
          rewards: rewards[$0.account.holder] ?? .zero,
          validatorStake: total)
      }.sorted { $0.staked != $1.staked ? $0.staked > $1.staked : $0.delegator < $1.delegator }
    }
  }
}

extension Journal {
  func validatorStake(asset: String, validator: String) throws -> Amount {
    guard
      let text = try database.validatorStake(asset: asset, validator: validator),
      let amount = Amount(baseUnitText: text)
    else { throw DatabaseError(resultCode: 11, message: "stake of \(validator) is unreadable") }
    return amount
  }
}
