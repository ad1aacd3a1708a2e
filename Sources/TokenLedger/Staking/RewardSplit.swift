/// Splits a validator's reward exactly: the commission `floor(amount × rate)` to the operator,
/// the rest pro rata to the stakes on the validator, each share rounded down to a base unit,
/// and the base units left over one each to the largest remainders (ties: the delegator whose
/// address sorts first as UTF-8 bytes). The shares always add up to the whole.
enum RewardSplit {
  /// The shares of `amount` for `weights`, in the order given. Pure; exact for any sizes.
  static func shares(of amount: Amount, weights: [(key: String, weight: Amount)]) -> [Amount] {
    let total = weights.reduce(into: UInt128(0)) { sum, item in
      let (next, overflow) = sum.addingReportingOverflow(item.weight.baseUnits)
      precondition(!overflow, "stakes on one validator are bounded by the total supply")
      sum = next
    }
    precondition(total > 0, "shares need a positive total weight")
    var shares: [Amount] = []
    var remainders: [(index: Int, remainder: UInt128)] = []
    var distributed: UInt128 = 0
    for (index, item) in weights.enumerated() {
      let product = amount.baseUnits.multipliedFullWidth(by: item.weight.baseUnits)
      let (quotient, remainder) = total.dividingFullWidth(product)
      shares.append(Amount(baseUnits: quotient))
      remainders.append((index, remainder))
      distributed += quotient
    }
    var leftover = amount.baseUnits - distributed
    precondition(leftover < UInt128(weights.count), "floor shares leave less than one unit each")
    remainders.sort { left, right in
      left.remainder != right.remainder
        ? left.remainder > right.remainder
        : weights[left.index].key.utf8.lexicographicallyPrecedes(weights[right.index].key.utf8)
    }
    for item in remainders where leftover > 0 {
      shares[item.index] = Amount(baseUnits: shares[item.index].baseUnits + 1)
      leftover -= 1
    }
    return shares
  }

  /// The postings of a reward of `amount` to `validator`, paid from `source` (`@emission` for
  /// a `reward`; a `distribute` names its own).
  static func compile(
    state: some LedgerState, definition: AssetDefinition, validator: ValidatorRecord,
    amount: Amount,
    source: Account = .emission
  ) throws -> Compilation {
    let asset = definition.symbol
    func destination(_ holder: String) -> Account {
      switch definition.rewardPolicy {
      case .claim: Account(holder: holder, bucket: .rewards(validator: validator.validator))
      case .compound: Account(holder: holder, bucket: .staked(validator: validator.validator))
      }
    }
    var compilation = Compilation()
    let stakes = try state.buckets(asset: asset, validator: validator.validator, kind: .staked)
    let commission = stakes.isEmpty ? amount : validator.commission.floorTimes(amount)
    compilation.move(asset, commission, from: source, to: destination(validator.operatorAddress))
    let rest = amount.subtracting(commission)!
    guard !stakes.isEmpty, !rest.isZero else { return compilation }
    let weights = stakes.map { (key: $0.account.holder, weight: $0.amount) }
    let shares = shares(of: rest, weights: weights)
    for (stake, share) in zip(stakes, shares) {
      compilation.move(asset, share, from: source, to: destination(stake.account.holder))
    }
    return compilation
  }
}
