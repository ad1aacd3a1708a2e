/// ERC-20 verbs as OpenZeppelin v5 implements them, with ERC-6093's errors.
extension PostingCompiler {
  func mint(asset: String, to: String, amount: Amount) throws -> Compilation {
    guard to != EVMAddress.zero else {
      throw LedgerError(.invalidReceiver, "mint: \(format(amount)) \(asset) to the zero address")
    }
    try requireSupplyRoom(asset, amount, verb: "mint")
    var compilation = Compilation()
    compilation.move(asset, amount, from: .supply, to: Account(holder: to))
    return compilation
  }

  func burn(asset: String, from: String, amount: Amount) throws -> Compilation {
    guard from != EVMAddress.zero else {
      throw LedgerError(.invalidSender, "burn: \(format(amount)) \(asset) from the zero address")
    }
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
    guard spender != EVMAddress.zero else {
      throw LedgerError(.invalidSpender, "transferFrom: spender is the zero address")
    }
    let allowance = try state.allowance(asset: asset, owner: from, spender: spender)
    var effects: [Effect] = []
    if case .limited(let limit) = allowance {
      guard let rest = limit.subtracting(amount) else {
        throw LedgerError(
          .insufficientAllowance,
          "transferFrom: \(spender) may spend \(format(limit)) \(asset) of \(from), needs \(format(amount))")
      }
      effects.append(.setAllowance(asset: asset, owner: from, spender: spender, amount: .limited(rest)))
    }
    guard from != EVMAddress.zero else {
      throw LedgerError(.invalidApprover, "transferFrom: owner is the zero address")
    }
    var compilation = try transfer(asset: asset, from: from, to: to, amount: amount, verb: "transferFrom")
    compilation.effects = effects
    return compilation
  }
}
