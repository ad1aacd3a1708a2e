/// The writer's statements beside the hot path: the records an operation's effects write
/// (assets, allowances, validators, unbonding entries, holds), a validator's stake, the
/// records the clock makes due, and the journal's format.
extension Database {
  /// Writes what `effect` records.
  func write(_ effect: Effect) throws {
    switch effect {
    case .defineAsset(let definition):
      let payload = CanonicalJSON.encode(.object(definition.jsonFields))
      try execute(
        "INSERT INTO assets (symbol, decimals, definition) VALUES ($1, $2, $3)",
        [.text(definition.symbol), .integer(Int64(definition.decimals)), .text(payload)])
    case .setPaused(let asset, let paused):
      try execute(
        "UPDATE assets SET paused = $1 WHERE symbol = $2", [.integer(paused ? 1 : 0), .text(asset)])
    case .setAllowance(let asset, let owner, let spender, let amount):
      try execute(
        "INSERT INTO allowances (asset, owner, spender, amount) VALUES ($1, $2, $3, $4) ON CONFLICT (asset, owner, spender) DO UPDATE SET amount = excluded.amount",
        [.text(asset), .text(owner), .text(spender), .text(amount.storedText)])
    case .setValidator(let record):
      try writeValidator(record)
    case .openUnbonding(let record):
      try execute(
        "INSERT INTO unbonding (asset, delegator, validator, entry_id, matures_time) VALUES ($1, $2, $3, $4, $5)",
        [
          .text(record.asset), .text(record.delegator), .text(record.validator),
          .text(record.entry), .integer(record.maturesTime),
        ])
    case .closeUnbonding(let record):
      try execute(
        "DELETE FROM unbonding WHERE asset = $1 AND delegator = $2 AND validator = $3 AND entry_id = $4",
        [
          .text(record.asset), .text(record.delegator), .text(record.validator),
          .text(record.entry),
        ])
    case .openHold(let record):
      try execute(
        "INSERT INTO holds (hold_id, asset, payer, payee, amount, expires_time, status) VALUES ($1, $2, $3, $4, $5, $6, 'open')",
        [
          .text(record.hold), .text(record.asset), .text(record.payer), .text(record.payee),
          .text(record.amount.description), SQLValue(record.expiresTime),
        ])
    case .closeHold(let hold, let status):
      try execute(
        "UPDATE holds SET status = $1 WHERE hold_id = $2", [.text(status.rawValue), .text(hold)])
    }
  }

  private func writeValidator(_ record: ValidatorRecord) throws {
    try execute(
      """
      INSERT INTO validators (asset, validator, operator, commission, commission_changed_time,
        max_rate, max_change_rate) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (asset, validator) DO UPDATE SET operator = excluded.operator,
        commission = excluded.commission, commission_changed_time = excluded.commission_changed_time,
        max_rate = excluded.max_rate, max_change_rate = excluded.max_change_rate
      """,
      [
        .text(record.asset), .text(record.validator), .text(record.operatorAddress),
        .text(record.commission.description), SQLValue(record.commissionChangedTime),
        SQLValue(record.maxRate?.description), SQLValue(record.maxChangeRate?.description),
      ])
  }

  /// A validator's stake as stored; nil when the validator is not registered.
  func validatorStake(asset: String, validator: String) throws -> String? {
    try firstRow(
      "SELECT stake FROM validators WHERE asset = $1 AND validator = $2",
      [.text(asset), .text(validator)], { $0.text(0) }) ?? nil
  }

  /// Sets a validator's stake.
  func setValidatorStake(_ stake: SignedAmount, asset: String, validator: String) throws {
    try execute(
      "UPDATE validators SET stake = $1 WHERE asset = $2 AND validator = $3",
      [.text(stake.description), .text(asset), .text(validator)])
  }

  /// The unbonding entries of `asset` matured by `time`, soonest first.
  func maturedUnbonding(asset: String, by time: Int64) throws -> [UnbondingRecord] {
    var matured: [UnbondingRecord] = []
    try forEachRow(
      """
      SELECT delegator, validator, entry_id, matures_time FROM unbonding
      WHERE asset = $1 AND matures_time <= $2 ORDER BY matures_time, delegator, validator, entry_id
      """, [.text(asset), .integer(time)]
    ) { row in
      matured.append(
        UnbondingRecord(
          asset: asset, delegator: row.text(0)!, validator: row.text(1)!, entry: row.text(2)!,
          maturesTime: row.integer(3)!))
    }
    return matured
  }

  /// The open holds of `asset` expired by `time`, soonest first.
  func expiredHolds(asset: String, by time: Int64) throws -> [String] {
    var expired: [String] = []
    try forEachRow(
      "SELECT hold_id FROM holds WHERE asset = $1 AND status = 'open' AND expires_time <= $2 ORDER BY expires_time, hold_id",
      [.text(asset), .integer(time)]
    ) { expired.append($0.text(0)!) }
    return expired
  }

  /// The first entry in journal format 2 (``JournalFormat``).
  func format2From() throws -> Int64 {
    guard
      let first = try firstRow(
        "SELECT format2_from FROM journal_format WHERE id = 1", [], { $0.integer(0) }) ?? nil
    else { throw DatabaseError(resultCode: 11, message: "the journal's format is not recorded") }
    return first
  }

  /// Records the first entry in journal format 2.
  func setFormat2From(_ sequence: Int64) throws {
    try execute("UPDATE journal_format SET format2_from = $1 WHERE id = 1", [.integer(sequence)])
  }
}
