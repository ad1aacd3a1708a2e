extension Ledger {
  func reconcileBalances(
    _ journal: Journal, _ definition: AssetDefinition, path: String, tolerance: Amount,
    point: PointInTime,
    report: inout ReconcileReport
  ) throws {
    let database = journal.database
    let symbol = definition.symbol
    let decimals = definition.decimals
    // The ledger's side, once, into a TEMP table: one row per holder bucket of this asset.
    try database.executeScript(
      """
      CREATE TEMP TABLE IF NOT EXISTS reconcile_state (holder TEXT, bucket TEXT, validator TEXT, amount TEXT);
      DELETE FROM temp.reconcile_state;
      """)
    let insertState = try database.prepare("INSERT INTO temp.reconcile_state VALUES (?, ?, ?, ?)")
    try journal.forEachBucketBalance(at: point) { account, asset, amount in
      guard asset == symbol, !account.isSystem else { return }
      try insertState.execute([
        .text(account.holder), .text(account.bucket.kind.rawValue),
        .text(account.bucket.validatorColumn),
        .text(amount.description),
      ])
    }
    try database.executeScript(
      "CREATE INDEX IF NOT EXISTS temp.reconcile_state_by_holder ON reconcile_state (holder)")
    let lookup = try database.prepare(
      """
      SELECT amount_sum(amount) FROM temp.reconcile_state
      WHERE holder = ?1 AND (?2 IS NULL OR bucket = ?2) AND (?3 IS NULL OR validator = ?3)
      """)
    let insertSeen = try database.prepare(
      "INSERT OR IGNORE INTO temp.reconcile_seen (key) VALUES (?)")
    var sourceTotal = Amount.zero
    var ledgerTotal = Amount.zero
    var local = report
    func reject(_ line: Int, _ reason: String) {
      local.add(
        ReconcileItem(
          key: "line \(line)", ledger: nil, source: nil, difference: nil, detail: reason),
        to: \.rejected, count: \.rejectedCount)
    }
    var skipped: [SkipReason: Int] = [:]
    try BalanceReader(path: path, asset: definition).read(
      skipped: &skipped, reject: reject
    ) { record in
      let key =
        "\(record.address) \(record.bucket?.rawValue ?? "total")\(record.validator.map { " " + $0 } ?? "")"
      try insertSeen.execute([.text("row " + key)])
      guard database.changes == 1 else { return reject(record.line, "duplicate row for \(key)") }
      try insertSeen.execute([.text("holder " + record.address)])
      let text =
        try lookup.firstRow(
          [.text(record.address), SQLValue(record.bucket?.rawValue), SQLValue(record.validator)]
        ) { $0.text(0) } ?? "0"
      let ledger = SignedAmount(text: text ?? "0")?.amount ?? .zero
      sourceTotal = sourceTotal.adding(record.amount) ?? sourceTotal
      ledgerTotal = ledgerTotal.adding(ledger) ?? ledgerTotal
      let gap =
        record.amount >= ledger
        ? record.amount.subtracting(ledger)! : ledger.subtracting(record.amount)!
      // A second lookup only where it can matter: a zero bucket of a holder the ledger has
      // never seen is missing in the ledger, not a mismatch.
      var unknownHolder = false
      if ledger.isZero && !record.amount.isZero {
        let total =
          try lookup.firstRow([.text(record.address), .null, .null]) { $0.text(0) } ?? nil
        unknownHolder = total == nil || total == "0"
      }
      if unknownHolder {
        local.add(
          ReconcileItem(
            key: key, ledger: nil, source: record.amount.formatted(decimals: decimals),
            difference: nil, detail: nil),
          to: \.missingInLedger, count: \.missingInLedgerCount)
      } else if gap <= tolerance {
        local.matched += 1
      } else {
        local.add(
          ReconcileItem(
            key: key, ledger: ledger.formatted(decimals: decimals),
            source: record.amount.formatted(decimals: decimals),
            difference: Self.signedDifference(record.amount, ledger, decimals: decimals),
            detail: nil),
          to: \.mismatched, count: \.mismatchedCount)
      }
    }
    try database.forEachRow(
      """
      SELECT holder, amount_sum(amount), EXISTS (SELECT 1 FROM temp.reconcile_seen WHERE key = 'holder ' || holder)
      FROM temp.reconcile_state GROUP BY holder ORDER BY holder
      """
    ) { row in
      let total = SignedAmount(text: row.text(1) ?? "0") ?? .zero
      guard total != .zero else { return }
      local.ledgerAccounts += 1
      if row.integer(2) == 1 {
        local.coveredAccounts += 1
      } else {
        local.add(
          ReconcileItem(
            key: "\(row.text(0) ?? "") total", ledger: total.formatted(decimals: decimals),
            source: nil, difference: nil, detail: nil),
          to: \.missingInSource, count: \.missingInSourceCount)
      }
    }
    try database.executeScript("DELETE FROM temp.reconcile_state")
    local.skipped = skipped
    local.sourceTotal = sourceTotal.formatted(decimals: decimals)
    local.ledgerTotal = ledgerTotal.formatted(decimals: decimals)
    report = local
  }
}

/// Reads a balance snapshot CSV: a header with `address`, `asset`, `amount` (token units) and
/// optional `bucket` (`available`, `staked`, `unbonding`, `rewards`, `held`, `total`; default
/// `total`) and `validator`.
struct BalanceReader {
  let path: String
  let asset: AssetDefinition

  func read(
    skipped: inout [SkipReason: Int], reject: (Int, String) -> Void,
    _ body: (BalanceRecord) throws -> Void
  ) throws {
    let reader = try CSVReader(path: path)
    let transfers = TransferReader(kind: .balancesCSV, path: path, asset: asset)
    guard let header = try transfers.csvRecord(reader) else {
      throw LedgerError(.invalidOperation, "line 1: the file is empty")
    }
    let names = header.map { $0.trimmingSpaces.lowercased() }
    guard let address = names.firstIndex(of: "address"),
      let assetColumn = names.firstIndex(of: "asset"),
      let amount = names.firstIndex(of: "amount")
    else {
      throw LedgerError(
        .invalidOperation,
        "line 1: the header needs address, asset and amount columns (found \(names.joined(separator: ",")))"
      )
    }
    let bucket = names.firstIndex(of: "bucket")
    let validator = names.firstIndex(of: "validator")
    while let row = try transfers.csvRecord(reader) {
      let line = reader.line
      guard row.count == header.count else {
        reject(line, "has \(row.count) fields, the header \(header.count)")
        continue
      }
      guard row[assetColumn] == asset.symbol else {
        skipped[.otherAsset, default: 0] += 1
        continue
      }
      let kindText = bucket.map { row[$0] } ?? ""
      let kind: Bucket.Kind?
      if kindText.isEmpty || kindText == "total" {
        kind = nil
      } else if let parsed = Bucket.Kind(rawValue: kindText) {
        kind = parsed
      } else {
        reject(line, "unknown bucket '\(kindText.truncatedForMessage)'")
        continue
      }
      do {
        let holder = try asset.addressScheme.normalize(row[address])
        let validatorText = validator.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        let validatorName = try validatorText.map { try asset.addressScheme.normalize($0) }
        let value = try asset.amount(row[amount])
        try body(
          BalanceRecord(
            address: holder, asset: asset.symbol, bucket: kind, validator: validatorName,
            amount: value, line: line))
      } catch let error as LedgerError {
        reject(line, "\(error.code.rawValue): \(error.message)")
      }
    }
  }
}
