/// `swap` and `convert`: one entry whose postings move several assets, each asset's postings
/// balanced on their own (contract, "Cross-asset entries"). Every asset named obeys its own
/// pause; supplies are checked per asset.
extension PostingCompiler {
  func compileCrossAsset(_ action: Operation.Action) throws -> Compilation {
    switch action {
    case .swap(let pool, let trader, let give, let get, let fee):
      return try swap(pool: pool, trader: trader, give: give, get: get, fee: fee)
    case .convert(let holder, let from, let to, let rate):
      return try convert(holder: holder, from: from, to: to, rate: rate).compilation
    default:
      preconditionFailure("not a cross-asset operation")
    }
  }

  /// give: trader → pool; get: pool → trader; fee: trader → `@fees`. The trader must hold the
  /// give amount and the fee (a fee in the asset received may be paid out of what it gets).
  private func swap(
    pool: String, trader: String, give: Operation.AssetAmount, get: Operation.AssetAmount,
    fee: Operation.AssetAmount?
  ) throws -> Compilation {
    let verb = "swap"
    guard trader != EVMAddress.zero else {
      throw LedgerError(.invalidSender, "swap: the zero address is never a trader")
    }
    for symbol in [give.asset, get.asset] + (fee.map { [$0.asset] } ?? []) {
      try requireNotPaused(symbol, verb: verb)
    }
    let feeOnGive = fee.map { $0.asset == give.asset ? $0.amount : .zero } ?? .zero
    guard let spent = give.amount.adding(feeOnGive) else {
      throw LedgerError(.amountOverflow, "swap: the amount given and the fee pass 2^128 - 1")
    }
    try requireAvailable(trader, give.asset, spent, verb: "swap into \(pool)")
    try requireSupplyRoom(get.asset, get.amount, verb: verb)
    if let fee, fee.asset != give.asset, !fee.amount.isZero {
      let received = fee.asset == get.asset ? get.amount : .zero
      try requireAvailable(trader, fee.asset, fee.amount, plus: received, verb: "swap fee")
    }
    var compilation = Compilation()
    let account = Account(holder: trader)
    compilation.move(give.asset, give.amount, from: account, to: Account(holder: pool))
    compilation.move(get.asset, get.amount, from: Account(holder: pool), to: account)
    if let fee { compilation.move(fee.asset, fee.amount, from: account, to: .fees) }
    return compilation
  }

  /// from: holder → `@converted` (burned from the source's supply); to: `@converted` → holder,
  /// floor(amount × rate) in the target's base units. Returns the cut-off fraction of a
  /// target base unit with the postings.
  func convert(
    holder: String, from: Operation.AssetAmount, to: String, rate: ExactDecimal
  ) throws -> (compilation: Compilation, amount: Amount, remainder: String) {
    let verb = "convert"
    guard holder != EVMAddress.zero else {
      throw LedgerError(.invalidSender, "convert: the zero address holds nothing to convert")
    }
    try requireNotPaused(from.asset, verb: verb)
    try requireNotPaused(to, verb: verb)
    guard let source = try state.assetDefinition(from.asset),
      let target = try state.assetDefinition(to)
    else { preconditionFailure("the decoder found both assets") }
    try requireAvailable(holder, from.asset, from.amount, verb: verb)
    guard
      let converted = rate.convert(
        from.amount, sourceDecimals: source.decimals, targetDecimals: target.decimals)
    else {
      throw LedgerError(
        .amountOverflow,
        "convert: \(source.format(from.amount)) \(from.asset) at \(rate) is more than 2^128 - 1 base units of \(to)"
      )
    }
    guard !converted.amount.isZero else {
      throw LedgerError(
        .invalidAmount,
        "convert: \(source.format(from.amount)) \(from.asset) at \(rate) is less than one base unit of \(to)"
      )
    }
    try requireSupplyRoom(to, converted.amount, verb: verb)
    var compilation = Compilation()
    compilation.move(from.asset, from.amount, from: Account(holder: holder), to: .converted)
    compilation.move(to, converted.amount, from: .converted, to: Account(holder: holder))
    return (compilation, converted.amount, converted.remainder)
  }
}
