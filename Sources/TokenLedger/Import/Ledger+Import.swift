/// What an import did.
public struct ImportSummary: Sendable, Equatable {
  /// Transfers written (as mint, burn or transfer entries).
  public var imported = 0
  /// Transfers whose id the ledger already had with the same content.
  public var alreadyPresent = 0
  /// Opening balances drawn from `@external` for senders whose history starts before the file.
  public var openingBalances = 0
  /// Rows passed over, by reason.
  public var skipped: [SkipReason: Int] = [:]

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    .object([
      "ok": .bool(true), "imported": .number(String(imported)),
      "alreadyPresent": .number(String(alreadyPresent)),
      "openingBalances": .number(String(openingBalances)),
      "skipped": .object(
        Dictionary(
          uniqueKeysWithValues: skipped.map { ($0.key.rawValue, .number(String($0.value))) })),
    ])
  }
}

extension Ledger {
  /// Brings on-chain transfers of `asset` from a file into the ledger, in one transaction:
  /// the first unreadable row or rejected operation throws and nothing is kept. Transfers are
  /// keyed `<txhash>:<logIndex>`, so importing the same file twice, or an overlapping one,
  /// adds only what is new. A transfer from the zero address is a mint, to it a burn. When a
  /// sender's available balance is short, exactly the shortfall is first drawn from
  /// `@external` as an opening balance (id `<transfer id>/opening`), unless `strict`.
  ///
  /// - Parameters:
  ///   - kind: the source's format (`etherscan-csv`, `eth-logs`, `etl-transfers`).
  ///   - path: the file to read.
  ///   - symbol: the asset whose `contract` selects the rows.
  ///   - strict: refuse a transfer its sender cannot pay instead of drawing the shortfall
  ///     from `@external`.
  ///   - progress: called every 10,000 rows with the number read so far.
  public func importTransfers(
    kind: SourceKind, path: String, asset symbol: String, strict: Bool = false,
    progress: (Int) -> Void = { _ in }
  ) throws -> ImportSummary {
    guard let definition = try asset(symbol) else {
      throw LedgerError(.unknownAsset, "import: unknown asset '\(symbol.truncatedForMessage)'")
    }
    let reader = TransferReader(kind: kind, path: path, asset: definition)
    var summary = ImportSummary()
    var rows = 0
    var skipped: [SkipReason: Int] = [:]
    try write { journal in
      try reader.read(skipped: &skipped, problem: { throw $0.ledgerError }) { record in
        rows += 1
        if rows % 10_000 == 0 { progress(rows) }
        do {
          try importOne(record, definition, strict: strict, journal: journal, summary: &summary)
        } catch let error as LedgerError {
          throw error.located("import \(record.id)")
        }
      }
    }
    summary.skipped = skipped
    return summary
  }

  func importOne(
    _ record: TransferRecord, _ definition: AssetDefinition, strict: Bool, journal: Journal,
    summary: inout ImportSummary
  ) throws {
    let symbol = definition.symbol
    let action: Operation.Action
    switch (record.from == EVMAddress.zero, record.to == EVMAddress.zero) {
    case (true, true): return  // a zero-to-zero log moves nothing
    case (true, false): action = .mint(asset: symbol, to: record.to, amount: record.amount)
    case (false, true): action = .burn(asset: symbol, from: record.from, amount: record.amount)
    case (false, false):
      action = .transfer(asset: symbol, from: record.from, to: record.to, amount: record.amount)
    }
    let operation = Operation(
      id: record.id, height: record.block, time: record.time, action: action)
    let recorded = try journal.entry(idempotencyId: record.id)
    if let first = recorded {
      // The same on-chain transfer read from another kind of source: idempotency compares
      // what the chain fixes (id = hash and log index, token, from, to, value, block), not
      // what one source adds (a block time). Anything else that differs is `duplicateId`.
      let storedTime = (try? JSONParser.parse(first.payload).objectValue)?["time"]?.stringValue
        .flatMap(UTCTime.parse)
      let sameOnChain = Operation(
        id: record.id, height: record.block, time: storedTime, action: action)
      let decimals = try journal.payloadDecimals(sameOnChain)
      if sameOnChain.canonicalPayload(decimals: decimals) == first.payload {
        summary.alreadyPresent += 1
        return
      }
    }
    if recorded == nil, record.from != EVMAddress.zero, !strict {
      let available =
        try journal.balance(Account(holder: record.from), asset: symbol).amount ?? .zero
      if let shortfall = record.amount.subtracting(available), !shortfall.isZero {
        let opening = Operation(
          id: record.id + "/opening", height: record.block, time: record.time,
          action: .openingBalance(asset: symbol, to: record.from, amount: shortfall))
        if case .applied = try journal.apply(opening) { summary.openingBalances += 1 }
      }
    }
    switch try journal.apply(operation) {
    case .applied: summary.imported += 1
    case .unchanged: summary.alreadyPresent += 1
    }
  }
}

extension ImportSummary: JSONForm {
  /// Reads the JSON form back; a field that is not one is `invalidOperation` naming it.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "ImportSummary")
    imported = try fields.int("imported")
    alreadyPresent = try fields.int("alreadyPresent")
    openingBalances = try fields.int("openingBalances")
    skipped = [:]
    for (name, count) in try fields.counts("skipped") {
      guard let reason = SkipReason(rawValue: name) else {
        throw fields.fail("skipped." + name, "is not a skip reason")
      }
      skipped[reason] = count
    }
  }
}
