import BigInt

/// A Cosmos export's own invariants (as the SDK's crisis module states them) and the sums
/// they, and the import's facts, are made of.
extension CosmosExport {
  /// The export's own invariants, as the SDK's crisis module states them, each failure named
  /// with its two sides: the bonded pool holds the bonded validators' tokens; the not-bonded
  /// pool holds the other validators' tokens and the unbonding entries; the distribution
  /// module holds the outstanding rewards and the community pool; the supply it states is the
  /// sum of every account's coins.
  var invariantFailures: [(name: String, message: String)] {
    let sums = self.sums
    var failures: [(name: String, message: String)] = []
    /// A pool that must hold exactly what its sources sum to.
    func pool(_ name: String, _ account: String, _ expected: BigInt, _ sources: String) {
      let held = sums.module(account)
      guard held != expected else { return }
      failures.append(
        (
          name,
          "the \(account) module account holds \(held) \(denom), \(sources) sum to \(expected)"
        ))
    }
    pool("bondedPool", "bonded_tokens_pool", sums.bonded, "the bonded validators' tokens")
    pool(
      "notBondedPool", "not_bonded_tokens_pool", sums.notBonded + sums.unbonding,
      "the other validators' tokens and the unbonding entries")
    // The distribution module holds every validator's outstanding rewards and the community
    // pool, truncated to whole base units (x/distribution's module-account invariant).
    pool(
      "distributionPool", "distribution", (sums.outstanding + communityPool).truncated,
      "the outstanding rewards and the community pool")
    if let supply, supply != sums.coins {
      failures.append(
        ("supply", "the supply of \(denom) is \(supply), the accounts' coins sum to \(sums.coins)"))
    }
    return failures
  }

  /// The sums the export's invariants and the import's facts are made of, in one pass each.
  struct Sums {
    /// Each module account's coins, by module name.
    let modules: [String: BigInt]
    let bonded: BigInt
    let notBonded: BigInt
    let unbonding: BigInt
    /// Every account's coins, modules included.
    let coins: BigInt
    /// Σ every validator's outstanding rewards.
    let outstanding: CosmosDec

    func module(_ name: String) -> BigInt { modules[name, default: 0] }
  }

  var sums: Sums {
    var modules: [String: BigInt] = [:]
    var coins: BigInt = 0
    for account in accounts {
      coins += account.amount
      if let name = account.moduleName { modules[name, default: 0] += account.amount }
    }
    var bonded: BigInt = 0
    var notBonded: BigInt = 0
    for validator in validators {
      if validator.status == .bonded {
        bonded += validator.tokens
      } else {
        notBonded += validator.tokens
      }
    }
    return Sums(
      modules: modules, bonded: bonded, notBonded: notBonded,
      unbonding: unbondings.reduce(BigInt(0)) { $0 + $1.balance }, coins: coins,
      outstanding: outstandingRewards.values.reduce(CosmosDec.zero, +))
  }
}
