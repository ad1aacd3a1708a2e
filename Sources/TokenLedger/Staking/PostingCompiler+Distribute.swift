/// `distribute`: Bittensor's epoch emission to a subnet's UIDs, or any payout pro rata to
/// weights (Gensyn-style), in one entry.
extension PostingCompiler {
  /// Splits `amount` over the recipients exactly as a reward is split (floor, then the units
  /// left one each to the largest remainders, ties by address); a recipient that is a
  /// registered validator gets its part as a `reward` (its take, then its delegators), paid
  /// from the same source. From `@emission` the supply grows (as a mint or a reward does);
  /// from another system account or a holder, what it holds pays.
  func distribute(
    asset: String, from: String, amount: Amount, shares: [Operation.Share]
  ) throws -> Compilation {
    guard from != EVMAddress.zero else {
      throw LedgerError(
        .invalidSender, "distribute: \(format(amount)) \(asset) from the zero address")
    }
    if let zero = shares.first(where: { $0.to == EVMAddress.zero }) {
      throw LedgerError(
        .invalidReceiver, "distribute: \(zero.to) (the zero address) is a recipient")
    }
    guard let numerators = ShareWeight.commonNumerators(shares.map(\.weight)),
      numerators.contains(where: { $0 > 0 })
    else {
      throw LedgerError(
        .invalidOperation,
        "distribute: the weights must sum to more than 0 and, over one power of ten, below 2^128")
    }
    let source = Account(holder: from)
    if source == .emission {
      try requireSupplyRoom(asset, amount, verb: "distribute")
    } else if source.isSystem {
      // Another system account (`@slashed`, `@external`, `@supply`) pays out only what it
      // received: its balance, which is below zero for `@supply` (minus the supply).
      let held = try state.balance(source, asset: asset).amount ?? .zero
      guard held >= amount else {
        throw LedgerError(
          .insufficientBalance,
          "distribute: \(from) has \(format(held)) \(asset), needs \(format(amount))"
            + " (only @emission pays out new \(asset))")
      }
    } else {
      try requireAvailable(from, asset, amount, verb: "distribute")
    }
    let parts = RewardSplit.shares(
      of: amount,
      weights: zip(shares, numerators).map { (key: $0.to, weight: Amount(baseUnits: $1)) })
    var compilation = Compilation()
    for (share, part) in zip(shares, parts) where !part.isZero {
      if let validator = try state.validator(asset: asset, validator: share.to) {
        let reward = try RewardSplit.compile(
          state: state, definition: definition, validator: validator, amount: part, source: source)
        compilation.postings += reward.postings
      } else if share.to != from {
        compilation.move(asset, part, from: source, to: Account(holder: share.to))
      }
    }
    return compilation
  }
}
