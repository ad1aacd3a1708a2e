/// ERC-20 verbs as OpenZeppelin v5 implements them, with ERC-6093's errors, in its order:
/// `_spendAllowance` (allowance, then the re-approval's owner and spender), then the zero
/// addresses of `_mint` / `_burn` / `_transfer`, then `_update` (pause, then balance or
/// supply).
extension PostingCompiler {
  func mint(asset: String, to: String, amount: Amount) throws -> Compilation {
    guard to != EVMAddress.zero else {
      throw LedgerError(.invalidReceiver, "mint: \(format(amount)) \(asset) to the zero address")
    }
    try requireNotPaused(verb: "mint")
    try requireSupplyRoom(asset, amount, verb: "mint")
    var compilation = Compilation()
    compilation.move(asset, amount, from: .supply, to: Account(holder: to))
    return compilation
  }

  func openingBalance(asset: String, to: String, amount: Amount) throws -> Compilation {
    guard to != EVMAddress.zero else {
      throw LedgerError(
        .invalidReceiver, "openingBalance: \(format(amount)) \(asset) to the zero address")
    }
    try requireNotPaused(verb: "openingBalance")
    try requireSupplyRoom(asset, amount, verb: "openingBalance")
    var compilation = Compilation()
    compilation.move(asset, amount, from: .external, to: Account(holder: to))
    return compilation
  }

  func burn(asset: String, from: String, amount: Amount) throws -> Compilation {
    guard from != EVMAddress.zero else {
      throw LedgerError(.invalidSender, "burn: \(format(amount)) \(asset) from the zero address")
    }
    try requireNotPaused(verb: "burn")
    try requireAvailable(from, asset, amount, verb: "burn")
    var compilation = Compilation()
    compilation.move(asset, amount, from: Account(holder: from), to: .supply)
    return compilation
  }

  func transfer(
    asset: String, from: String, to: String, amount: Amount, verb: String
  ) throws -> Compilation {
    guard from != EVMAddress.zero else {
      throw LedgerError(.invalidSender, "\(verb): \(format(amount)) \(asset) from the zero address")
    }
    guard to != EVMAddress.zero else {
      throw LedgerError(.invalidReceiver, "\(verb): \(format(amount)) \(asset) to the zero address")
    }
    try requireNotPaused(verb: verb)
    try requireAvailable(from, asset, amount, verb: "\(verb) to \(to)")
    var compilation = Compilation()
    if from != to {
      compilation.move(asset, amount, from: Account(holder: from), to: Account(holder: to))
    }
    return compilation
  }

  func approve(
    asset: String, owner: String, spender: String, amount: AllowanceAmount
  ) throws -> Compilation {
    guard owner != EVMAddress.zero else {
      throw LedgerError(.invalidApprover, "approve: owner is the zero address")
    }
    guard spender != EVMAddress.zero else {
      throw LedgerError(.invalidSpender, "approve: spender is the zero address")
    }
    return Compilation(
      effects: [.setAllowance(asset: asset, owner: owner, spender: spender, amount: amount)])
  }

  /// Spends the allowance first (checked before the balance, as OpenZeppelin does), then
  /// transfers. An unlimited allowance is never decreased.
  func transferFrom(
    asset: String, spender: String, from: String, to: String, amount: Amount
  ) throws -> Compilation {
    let effects = try spendAllowance(
      asset: asset, spender: spender, from: from, amount: amount, verb: "transferFrom")
    var compilation = try transfer(
      asset: asset, from: from, to: to, amount: amount, verb: "transferFrom")
    compilation.effects = effects
    return compilation
  }

  /// Spends the allowance, then burns, as `ERC20Burnable.burnFrom`.
  func burnFrom(asset: String, spender: String, from: String, amount: Amount) throws -> Compilation
  {
    let effects = try spendAllowance(
      asset: asset, spender: spender, from: from, amount: amount, verb: "burnFrom")
    var compilation = try burn(asset: asset, from: from, amount: amount)
    compilation.effects = effects
    return compilation
  }

  /// OpenZeppelin's `_spendAllowance`: the allowance must cover the amount (unless unlimited,
  /// which is never decreased); the decreased allowance is re-approved, so an owner or a
  /// spender that is the zero address fails there, after the allowance check (`_approve`).
  private func spendAllowance(
    asset: String, spender: String, from: String, amount: Amount, verb: String
  ) throws -> [Effect] {
    guard
      case .limited(let limit) = try state.allowance(asset: asset, owner: from, spender: spender)
    else {
      return []
    }
    guard let rest = limit.subtracting(amount) else {
      throw LedgerError(
        .insufficientAllowance,
        "\(verb): \(spender) may spend \(format(limit)) \(asset) of \(from), needs \(format(amount))"
      )
    }
    guard from != EVMAddress.zero else {
      throw LedgerError(.invalidApprover, "\(verb): owner is the zero address")
    }
    guard spender != EVMAddress.zero else {
      throw LedgerError(.invalidSpender, "\(verb): spender is the zero address")
    }
    return [.setAllowance(asset: asset, owner: from, spender: spender, amount: .limited(rest))]
  }
}
