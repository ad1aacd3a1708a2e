/// Values an amount of a statement's asset at a reward's time, in one unit: what
/// `rewards --value-in` and the report's statements use (``PriceBook``).
struct RewardValuer {
  let unit: String
  let decimals: Int
  let value: (Amount, Int64?) -> Amount?
}

extension Journal {
  /// The valuer of rewards of `asset` in `unit`, from the journal's prices; an undated reward
  /// has no price at or before it.
  func rewardValuer(asset definition: AssetDefinition, in unit: String) throws -> RewardValuer {
    try Ledger.requireUnit(unit, self)
    let book = try priceBook()
    let decimals = try unitDecimals(unit)
    return RewardValuer(unit: unit, decimals: decimals) { amount, time in
      guard let time else { return nil }
      return book.value(
        amount, of: definition.symbol, decimals: definition.decimals, in: unit,
        unitDecimals: decimals, at: .time(LedgerTime(unixSeconds: time)))
    }
  }
}
