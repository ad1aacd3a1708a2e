extension Ledger {
  /// Compares the ledger with an external source and writes nothing to the ledger (seen keys
  /// go to a TEMP table of this connection, so memory stays flat whatever the file's size).
  ///
  /// Transfer sources match on the id `<txhash>:<logIndex>`, then compare amount, from and to;
  /// ledger transfers of the asset within the source's block range that the source lacks are
  /// missing in source. Balance sources match on address, asset and bucket (and validator when
  /// the row names one), at the current state or a point in time; `tolerance` is the largest
  /// difference still counted as a match.
  public func reconcile(
    kind: SourceKind, path: String, asset symbol: String, tolerance: Amount = .zero,
    at point: PointInTime = .now
  ) throws -> ReconcileReport {
    guard kind != .pricesCSV else {
      throw LedgerError(.invalidOperation, "reconcile: a price file is imported, not reconciled")
    }
    guard let definition = try asset(symbol) else {
      throw LedgerError(.unknownAsset, "reconcile: unknown asset '\(symbol.truncatedForMessage)'")
    }
    return try read { journal in
      let tables = try ReconcileTables(journal.database)
      var report = ReconcileReport(kind: kind, asset: symbol)
      if kind.isTransferSource {
        try reconcileTransfers(
          journal, tables, definition, kind: kind, path: path, report: &report)
      } else {
        try reconcileBalances(
          journal, tables, definition, kind: kind, path: path, tolerance: tolerance, point: point,
          report: &report)
      }
      try tables.clear()
      // A file of another kind reads as rows that are all rejected: a clean empty match
      // would be false. Rows skipped as another asset's or contract's (or reorged, or
      // duplicates) show the file is of this kind, with nothing of this asset. A Cosmos
      // export is read whole or refused: what it rejects are its failed invariants.
      let recognized: [SkipReason] = [
        .otherAsset, .otherContract, .nonFungibleTransfer, .removed, .duplicate,
      ]
      if kind != .cosmosExport && report.sourceRecords == 0 && report.rejectedCount > 0
        && !recognized.contains(where: { report.skipped[$0, default: 0] > 0 })
      {
        throw LedgerError(
          .invalidOperation,
          "reconcile: no row of \(path) is a \(kind.rawValue) record (\(report.rejectedCount) rows rejected, e.g. \(report.rejected.first?.detail ?? "?"); is it another kind of file?)"
        )
      }
      return report
    }
  }

  static func signedDifference(_ source: Amount, _ ledger: Amount, decimals: Int) -> String {
    source >= ledger
      ? source.subtracting(ledger)!.formatted(decimals: decimals)
      : "-" + ledger.subtracting(source)!.formatted(decimals: decimals)
  }
}
