/// Escrowed payments: a hold reserves an amount from the payer's available balance; settle pays
/// the payee all or part of it and returns the rest; void returns it all.
extension PostingCompiler {
  func compileHold(_ action: Operation.Action) throws -> Compilation {
    switch action {
    case .hold(let asset, let from, let to, let amount, let hold, let expires):
      guard try state.hold(hold) == nil else {
        throw LedgerError(
          .invalidOperation, "hold: hold id '\(hold.truncatedForMessage)' is already used")
      }
      guard from != EVMAddress.zero else {
        throw LedgerError(.invalidSender, "hold: payer is the zero address")
      }
      guard to != EVMAddress.zero else {
        throw LedgerError(.invalidReceiver, "hold: payee is the zero address")
      }
      // A hold that is already expired would never be released by the clock, which only acts
      // when it moves: refuse it instead.
      if let expires, let now = clock.time, expires <= now {
        throw LedgerError(
          .invalidOperation,
          "hold \(hold.truncatedForMessage): expires \(UTCTime.format(expires)) is not after the \(asset) clock at \(UTCTime.format(now))"
        )
      }
      try requireAvailable(from, asset, amount, verb: "hold \(hold)")
      let record = HoldRecord(
        hold: hold, asset: asset, payer: from, payee: to, amount: amount, expiresTime: expires,
        status: .open)
      var compilation = Compilation(effects: [.openHold(record)])
      compilation.move(asset, amount, from: Account(holder: from), to: record.heldAccount)
      return compilation
    case .settle(let hold, let amount):
      let record = try openHold(hold, verb: "settle")
      let paid = amount ?? record.amount
      guard paid <= record.amount else {
        throw LedgerError(
          .holdExceeded,
          "settle: \(format(paid)) \(record.asset) exceeds the \(format(record.amount)) held by \(hold)"
        )
      }
      var compilation = Compilation(effects: [.closeHold(hold: hold, status: .settled)])
      compilation.move(
        record.asset, paid, from: record.heldAccount, to: Account(holder: record.payee))
      compilation.move(
        record.asset, record.amount.subtracting(paid)!, from: record.heldAccount,
        to: Account(holder: record.payer))
      return compilation
    case .void(let hold):
      return Self.release(try openHold(hold, verb: "void"), status: .voided)
    default:
      preconditionFailure("\(action) is not a hold verb")
    }
  }

  func openHold(_ hold: String, verb: String) throws -> HoldRecord {
    guard let record = try state.hold(hold) else {
      throw LedgerError(.unknownHold, "\(verb): unknown hold '\(hold.truncatedForMessage)'")
    }
    if record.status == .expired && verb == "settle" {
      throw LedgerError(.holdExpired, "settle: hold '\(hold.truncatedForMessage)' expired")
    }
    guard record.status == .open else {
      throw LedgerError(
        .unknownHold, "\(verb): hold '\(hold.truncatedForMessage)' is \(record.status.rawValue)")
    }
    return record
  }

  /// Returns a hold's whole amount to its payer (void, or expiry by the clock).
  static func release(_ record: HoldRecord, status: HoldRecord.Status) -> Compilation {
    var compilation = Compilation(effects: [.closeHold(hold: record.hold, status: status)])
    compilation.move(
      record.asset, record.amount, from: record.heldAccount, to: Account(holder: record.payer))
    return compilation
  }
}
