extension Ledger {
  /// Compares a balance snapshot with the ledger at `point`. Every source row is compared with
  /// the ledger's amount at the row's granularity (holder total; a bucket on all validators;
  /// a bucket on one validator). Every non-zero ledger amount (holder, bucket, validator) must
  /// be covered by a source row at some granularity (that bucket and validator, that bucket
  /// without a validator, or the holder's total), else it is missing in the source, named with
  /// its full key and amount. The totals are the whole holdings of the asset on both sides.
  func reconcileBalances(
    _ journal: Journal, _ tables: ReconcileTables, _ definition: AssetDefinition,
    kind: SourceKind, path: String, tolerance: Amount,
    point: PointInTime,
    report: inout ReconcileReport
  ) throws {
    try loadLedgerSide(
      journal, tables, definition, point: point, unbondingByCompletion: kind == .cosmosExport)
    var local = report
    var skipped: [SkipReason: Int] = [:]
    try forEachBalanceRecord(
      journal, tables, definition, kind: kind, path: path, point: point, skipped: &skipped,
      report: &local
    ) { record, report in
      try Self.compare(record, tables, decimals: definition.decimals, tolerance: tolerance, &report)
    }
    try tables.finishSource()
    try reportUncovered(tables, decimals: definition.decimals, report: &local)
    local.skipped = skipped
    report = local
  }

  private static func reject(_ line: Int, _ reason: String, _ report: inout ReconcileReport) {
    report.add(
      ReconcileItem(
        key: "line \(line)", ledger: nil, source: nil, difference: nil, detail: reason),
      to: \.rejected, count: \.rejectedCount)
  }

  /// One source row against the ledger's amount at its granularity: matched (within
  /// `tolerance`), mismatched, missing in the ledger (a holder the ledger has never seen), or
  /// refused as a duplicate.
  private static func compare(
    _ record: BalanceRecord, _ tables: ReconcileTables, decimals: Int, tolerance: Amount,
    _ local: inout ReconcileReport
  ) throws {
    let key =
      "\(record.address) \(record.bucket?.rawValue ?? "total")\(record.validator.map { " " + $0 } ?? "")"
    guard try tables.markSeen("row " + key) else {
      return reject(record.line, "duplicate row for \(key)", &local)
    }
    local.sourceRecords += 1
    try tables.addSourceRow(
      holder: record.address, bucket: record.bucket?.rawValue ?? "total",
      validator: record.validator ?? "", amount: record.amount)
    let ledger =
      try tables.ledgerAmount(
        holder: record.address, bucket: record.bucket?.rawValue, validator: record.validator)?
      .amount ?? .zero
    let gap =
      record.amount >= ledger
      ? record.amount.subtracting(ledger)! : ledger.subtracting(record.amount)!
    // A second lookup only where it can matter: a zero bucket of a holder the ledger has
    // never seen is missing in the ledger, not a mismatch.
    var unknownHolder = false
    if ledger.isZero && !record.amount.isZero {
      let total = try tables.ledgerAmount(holder: record.address, bucket: nil, validator: nil)
      unknownHolder = total == nil || total == .zero
    }
    if unknownHolder {
      local.add(
        ReconcileItem(
          key: key, ledger: nil, source: record.amount.formatted(decimals: decimals),
          difference: nil, detail: nil, account: record.address,
          bucket: record.bucket?.rawValue ?? "total", validator: record.validator),
        to: \.missingInLedger, count: \.missingInLedgerCount)
    } else if gap <= tolerance {
      local.matched += 1
    } else {
      local.add(
        ReconcileItem(
          key: key, ledger: ledger.formatted(decimals: decimals),
          source: record.amount.formatted(decimals: decimals),
          difference: signedDifference(record.amount, ledger, decimals: decimals),
          detail: nil, account: record.address, bucket: record.bucket?.rawValue ?? "total",
          validator: record.validator),
        to: \.mismatched, count: \.mismatchedCount)
    }
  }

  /// Every row of a balance source of `kind`, handed to `body` with the report (which also
  /// takes the rows refused and a Cosmos export's failed sums).
  private func forEachBalanceRecord(
    _ journal: Journal, _ tables: ReconcileTables, _ definition: AssetDefinition,
    kind: SourceKind, path: String,
    point: PointInTime, skipped: inout [SkipReason: Int], report: inout ReconcileReport,
    _ body: (BalanceRecord, inout ReconcileReport) throws -> Void
  ) throws {
    if kind == .subtensorSnapshot {
      for record in try SubtensorSnapshot(path: path, asset: definition).records {
        try body(record, &report)
      }
    } else if kind == .subtensorStakes {
      // The stakes of this asset's subnet (netuid 0: TAO itself); the ledger side is its
      // staked buckets only, so that every (coldkey, hotkey, netuid) is covered both ways.
      try tables.keepOnlyStaked()
      let stakes = try SubtensorStakes(path: path, asset: definition)
      let (records, others) = stakes.records(netuid: definition.subnet?.netuid ?? 0)
      if others > 0 { skipped[.otherSubnet] = others }
      for record in records { try body(record, &report) }
    } else if kind == .cosmosExport {
      let height: Int64? = if case .height(let height) = point { height } else { nil }
      let (export, state, _) = try Self.cosmosState(
        path: path, definition: definition, height: height, requireConsistent: false)
      try Self.checkChain(journal, asset: definition.symbol, chainId: export.chainId)
      // The export's own sums that fail are reported, not believed: an edited export shows
      // its edit here as well as in the balances it changed.
      for failure in export.invariantFailures {
        report.add(
          ReconcileItem(
            key: "invariant \(failure.name)", ledger: nil, source: nil, difference: nil,
            detail: failure.message),
          to: \.rejected, count: \.rejectedCount)
      }
      for record in state.records { try body(record, &report) }
    } else {
      // A refused row is reported in its place among the rows compared.
      var rejected: [(Int, String)] = []
      try BalanceReader(path: path, asset: definition).read(
        skipped: &skipped, reject: { rejected.append(($0, $1)) }
      ) { record in
        for (line, reason) in rejected { Self.reject(line, reason, &report) }
        rejected.removeAll()
        try body(record, &report)
      }
      for (line, reason) in rejected { Self.reject(line, reason, &report) }
    }
  }

  /// The ledger's side, once, into a TEMP table: one row per holder bucket of this asset.
  /// With `unbondingByCompletion` (a chain's state), an unbonding bucket's validator column
  /// is `validator@completion time`, so that each unbonding entry is compared by when it
  /// completes, as the chain keeps them.
  private func loadLedgerSide(
    _ journal: Journal, _ tables: ReconcileTables, _ definition: AssetDefinition,
    point: PointInTime, unbondingByCompletion: Bool
  ) throws {
    try tables.loadLedgerSide { add in
      try LedgerSnapshot(journal).forEachBucketBalance(at: point) { account, asset, amount in
        guard asset == definition.symbol, !account.isSystem, amount != .zero else { return }
        var validator = account.bucket.validatorColumn
        if unbondingByCompletion, case .unbonding(let onValidator, let entry) = account.bucket,
          let matures = try journal.database.unbondingMaturity(
            asset: asset, delegator: account.holder, validator: onValidator, entry: entry)
        {
          validator = onValidator + "@" + UTCTime.format(matures)
        }
        try add(account.holder, account.bucket.kind.rawValue, validator, amount)
      }
    }
  }

  /// Every ledger amount no source row covers, at any granularity, is missing in the source;
  /// the totals are both sides' whole holdings (the source's counted once per holder: its
  /// total row, else per bucket its row without validator, else its validator rows).
  private func reportUncovered(
    _ tables: ReconcileTables, decimals: Int, report: inout ReconcileReport
  ) throws {
    try tables.forEachUncovered { holder, bucket, validator, amount in
      let key = "\(holder) \(bucket)\(validator.isEmpty ? "" : " " + validator)"
      report.add(
        ReconcileItem(
          key: key, ledger: amount.formatted(decimals: decimals), source: nil, difference: nil,
          detail: nil, account: holder, bucket: bucket,
          validator: validator.isEmpty ? nil : validator),
        to: \.missingInSource, count: \.missingInSourceCount)
    }
    let ledger = try tables.ledgerSummary()
    report.ledgerAccounts = ledger.holders
    report.ledgerTotal = ledger.total.formatted(decimals: decimals)
    report.coveredAccounts = ledger.covered
    report.sourceTotal = try tables.sourceTotal().formatted(decimals: decimals)
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
