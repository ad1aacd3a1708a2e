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
    case .balancesCSV, .subtensorSnapshot, .subtensorStakes, .cosmosExport, .pricesCSV:
      throw LedgerError(
        .invalidOperation, "\(kind.rawValue) holds balances, not transfers: reconcile it")
    }
  }

  /// The asset's contract (lower-case), which selects the rows of on-chain sources.
  func requireContract() throws -> String {
    guard let contract = asset.contract?.lowercased() else {
      throw LedgerError(
        .invalidOperation,
        "asset \(asset.symbol) has no 'contract' to select its rows in a \(kind.rawValue) source")
    }
    return contract
  }

  func address(_ text: String, _ location: String, _ field: String) throws(SourceError) -> String {
    do {
      return try asset.addressScheme.normalize(text)
    } catch {
      throw SourceError(
        location: location, code: .invalidAddress, reason: "\(field): \(error.message)")
    }
  }

  /// Calls `body` with each object of a JSON source and its location ("element N"). A
  /// SourceError, from the stream or from `body`, goes to `problem`; reading stops when
  /// `problem` says so or when the stream cannot go on (an empty or truncated file).
  func forEachObject(
    problem: (SourceError) throws -> Bool, _ body: ([String: JSONValue], String) throws -> Void
  ) throws {
    let stream = try JSONStream(path: path)
    while true {
      let object: [String: JSONValue]
      do {
        guard let next = try stream.next() else {
          if let readError = stream.readError { throw readError }
          return
        }
        object = next
      } catch let error as JSONStream.Failure {
        let fatal =
          error.element == 0 || error.reason.contains("truncated")
          || error.reason.contains("not closed")
        let goOn = try problem(
          SourceError(
            location: "element \(error.element)", code: .invalidOperation, reason: error.reason))
        if !goOn || fatal { return }
        continue
      }
      do {
        try body(object, "element \(stream.element)")
      } catch let error as SourceError {
        guard try problem(error) else { return }
      }
    }
  }

  /// Calls `body` with each record of a CSV source after its header (checked to have at least
  /// `fieldCount` fields) and its location ("line N"). SourceErrors go to `problem`, as above.
  func forEachRow(
    _ reader: CSVReader, fieldCount: Int, problem: (SourceError) throws -> Bool,
    _ body: ([String], String) throws -> Void
  ) throws {
    while let row = try csvRecord(reader) {
      let location = "line \(reader.line)"
      do {
        guard row.count >= fieldCount else {
          throw SourceError(
            location: location, code: .invalidOperation,
            reason: "has \(row.count) fields, the header more")
        }
        try body(row, location)
      } catch let error as SourceError {
        guard try problem(error) else { return }
      }
    }
  }
}
