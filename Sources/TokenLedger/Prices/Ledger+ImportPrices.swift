/// What `import --kind prices-csv` did.
public struct PriceImportSummary: Sendable, Equatable {
  /// `price` entries written.
  public let imported: Int
  /// Rows whose price (same asset, unit and time) the ledger already holds.
  public let alreadyPresent: Int
}

extension Ledger {
  /// Reads a price file (header `time,price`; a time in RFC 3339 or a date, which is UTC
  /// midnight) into `price` operations of `asset` in `unit`, all or nothing. Each is keyed by
  /// asset, unit and time (`price:<asset>/<unit>@<time>`), so a second import of the same
  /// file writes nothing and a different price for a time already priced is `duplicateId`.
  /// A bad row is refused naming its line.
  public func importPrices(path: String, asset: String, in unit: String) throws
    -> PriceImportSummary
  {
    _ = try requireAsset(asset)
    let reader = try CSVReader(path: path)
    func record() throws -> [String]? {
      do {
        return try reader.next()
      } catch {
        throw LedgerError(.invalidOperation, "\(path): line \(error.line): \(error.reason)")
      }
    }
    guard let header = try record() else {
      throw LedgerError(.invalidOperation, "\(path): line 1: the file is empty")
    }
    let names = header.map { $0.trimmingSpaces.lowercased() }
    guard let timeColumn = names.firstIndex(of: "time"),
      let priceColumn = names.firstIndex(of: "price")
    else {
      throw LedgerError(
        .invalidOperation,
        "\(path): line 1: the header needs time and price columns (found \(names.joined(separator: ",")))"
      )
    }
    var lines: [String] = []
    while let row = try record() {
      let line = reader.line
      guard lines.count < Limits.batchOperationsMax else {
        throw LedgerError(
          .invalidOperation,
          "\(path): more than \(Limits.batchOperationsMax) prices: split the file")
      }
      guard row.count == header.count else {
        throw LedgerError(
          .invalidOperation,
          "\(path): line \(line): has \(row.count) fields, the header \(header.count)")
      }
      guard let time = LedgerTime(row[timeColumn].trimmingSpaces) else {
        throw LedgerError(
          .invalidOperation,
          "\(path): line \(line): time '\(row[timeColumn].truncatedForMessage)' is not RFC 3339 UTC or a date"
        )
      }
      let stamp = UTCTime.format(time.unixSeconds)
      let object: JSONValue = .object([
        "op": .string("price"), "id": .string("price:\(asset)/\(unit)@\(stamp)"),
        "asset": .string(asset), "in": .string(unit),
        "price": .string(row[priceColumn].trimmingSpaces), "time": .string(stamp),
      ])
      lines.append(CanonicalJSON.encode(object))
    }
    if let error = reader.readError {
      throw LedgerError(.invalidOperation, "\(path): \(error)")
    }
    var imported = 0
    var present = 0
    // One transaction for the whole file: all or nothing.
    do {
      for result in try apply(jsonLines: lines) {
        if case .applied = result { imported += 1 } else { present += 1 }
      }
    } catch let error as LedgerError {
      let line = error.operationIndex.map { " line \($0 + 2):" } ?? ""
      throw LedgerError(error.code, "\(path):\(line) \(error.message)")
    }
    return PriceImportSummary(imported: imported, alreadyPresent: present)
  }
}
