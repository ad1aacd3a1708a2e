extension Ledger {
  func reconcileTransfers(
    _ journal: Journal, _ tables: ReconcileTables, _ definition: AssetDefinition,
    kind: SourceKind, path: String, report: inout ReconcileReport
  ) throws {
    let decimals = definition.decimals
    let reader = TransferReader(kind: kind, path: path, asset: definition)
    var skipped: [SkipReason: Int] = [:]
    var duplicates = 0
    var blocks: ClosedRange<Int64>?
    var sourceTotal = Amount.zero
    var localReport = report
    try reader.read(
      skipped: &skipped,
      problem: { error in
        localReport.add(
          ReconcileItem(
            key: error.location, ledger: nil, source: nil, difference: nil,
            detail: "\(error.code.rawValue): \(error.reason)"),
          to: \.rejected, count: \.rejectedCount)
        return true
      }
    ) { record in
      guard try tables.markSeen(record.id) else {
        duplicates += 1
        return
      }
      localReport.sourceRecords += 1
      if let block = record.block {
        blocks =
          blocks.map { min($0.lowerBound, block)...max($0.upperBound, block) } ?? block...block
      }
      sourceTotal = sourceTotal.adding(record.amount) ?? sourceTotal
      try Self.compare(record, journal, definition, &localReport)
    }
    let ledgerTotal =
      try blocks.map { try Self.movementsMissingInSource(journal, definition, $0, &localReport) }
      ?? .zero
    if duplicates > 0 { skipped[.duplicate, default: 0] += duplicates }
    localReport.skipped = skipped
    localReport.sourceTotal = sourceTotal.formatted(decimals: decimals)
    localReport.ledgerTotal = ledgerTotal.formatted(decimals: decimals)
    report = localReport
  }

  /// One source transfer against the ledger's entry of its id: matched, mismatched (amount
  /// or parties) or missing in the ledger.
  private static func compare(
    _ record: TransferRecord, _ journal: Journal, _ definition: AssetDefinition,
    _ report: inout ReconcileReport
  ) throws {
    let decimals = definition.decimals
    var source: String { record.amount.formatted(decimals: decimals) }
    guard let payload = try journal.operationObject(idempotencyId: record.id) else {
      report.add(
        ReconcileItem(
          key: record.id, ledger: nil, source: source, difference: nil,
          detail: "\(record.from) → \(record.to)"),
        to: \.missingInLedger, count: \.missingInLedgerCount)
      return
    }
    let ledgerAmount =
      payload["amount"]?.stringValue.flatMap { try? definition.amount($0) } ?? .zero
    let from = payload["from"]?.stringValue ?? EVMAddress.zero
    let to = payload["to"]?.stringValue ?? EVMAddress.zero
    var details: [String] = []
    if from != record.from {
      details.append("from \(from) in the ledger, \(record.from) in the source")
    }
    if to != record.to { details.append("to \(to) in the ledger, \(record.to) in the source") }
    if ledgerAmount == record.amount && details.isEmpty {
      report.matched += 1
    } else {
      report.add(
        ReconcileItem(
          key: record.id, ledger: ledgerAmount.formatted(decimals: decimals), source: source,
          difference: signedDifference(record.amount, ledgerAmount, decimals: decimals),
          detail: details.isEmpty ? nil : details.joined(separator: "; ")),
        to: \.mismatched, count: \.mismatchedCount)
    }
  }

  /// Every ledger movement of the asset inside the source's block range must be in the
  /// source, whatever its id (or none): missing ones are missing in the source. Returns the
  /// ledger's total, the sum of all of them, matched or not.
  private static func movementsMissingInSource(
    _ journal: Journal, _ definition: AssetDefinition, _ blocks: ClosedRange<Int64>,
    _ report: inout ReconcileReport
  ) throws -> Amount {
    var ledgerTotal = Amount.zero
    try journal.database.forEachMovement(asset: definition.symbol, blocks: blocks) { row, isSeen in
      let payload = (try? journal.operationObject(row)) ?? [:]
      let text = payload["amount"]?.stringValue ?? "0"
      let amount = (try? definition.amount(text)) ?? .zero
      ledgerTotal = ledgerTotal.adding(amount) ?? ledgerTotal
      guard !isSeen else { return }
      report.add(
        ReconcileItem(
          key: row.id ?? "entry \(row.sequence)", ledger: text, source: nil,
          difference: nil, detail: nil),
        to: \.missingInSource, count: \.missingInSourceCount)
    }
    return ledgerTotal
  }
}
