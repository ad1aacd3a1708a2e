/// Reads transfers of one asset from any transfer source, streaming: each record is handed
/// to the caller as it is read, skipped rows are counted by reason, unreadable rows reported.
struct TransferReader {
  let kind: SourceKind
  let path: String
  let asset: AssetDefinition

  /// ERC-20 `Transfer(address,address,uint256)`.
  static let transferTopic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"

  /// Calls `body` for each transfer; `problem` for each unreadable row (return false to stop).
  func read(
    skipped: inout [SkipReason: Int], problem: (SourceError) throws -> Bool,
    _ body: (TransferRecord) throws -> Void
  ) throws {
    switch kind {
    case .etherscanCSV: try readEtherscan(skipped: &skipped, problem: problem, body)
    case .ethLogs: try readLogs(skipped: &skipped, problem: problem, body)
    case .etlTransfers: try readETL(skipped: &skipped, problem: problem, body)
    case .balancesCSV:
      throw LedgerError(.invalidOperation, "balances-csv holds balances, not transfers")
    }
  }

  func address(_ text: String, _ location: String, _ field: String) throws(SourceError) -> String {
    do {
      return try asset.addressScheme.normalize(text)
    } catch {
      throw SourceError(
        location: location, code: .invalidAddress, reason: "\(field): \(error.message)")
    }
  }
}
