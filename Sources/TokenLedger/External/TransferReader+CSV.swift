/// Etherscan token-transfer exports and ethereum-etl `token_transfers` (CSV or JSON Lines).
extension TransferReader {
  /// Reads a CSV header and maps wanted column names to their positions.
  func columns(
    _ reader: CSVReader, wanted: [[String]]
  ) throws -> [Int] {
    guard let header = try csvRecord(reader) else {
      throw SourceError(location: "line 1", code: .invalidOperation, reason: "the file is empty")
        .ledgerError
    }
    let names = header.map { $0.trimmingSpaces }
    return try wanted.map { alternatives in
      guard let index = names.firstIndex(where: { alternatives.contains($0) }) else {
        throw SourceError(
          location: "line 1", code: .invalidOperation,
          reason:
            "the header has no \(alternatives.map { "'\($0)'" }.joined(separator: " or ")) column (found \(names.joined(separator: ",")))"
        ).ledgerError
      }
      return index
    }
  }

  /// The next record, or `nil` at the end of the file; a read error is thrown (I/O), never
  /// taken for the end.
  func csvRecord(_ reader: CSVReader) throws -> [String]? {
    do {
      let record = try reader.next()
      if record == nil, let readError = reader.readError { throw readError }
      return record
    } catch let error as CSVReader.Failure {
      throw SourceError(
        location: "line \(error.line)", code: .invalidOperation, reason: error.reason
      ).ledgerError
    }
  }

  /// Etherscan rows have no log index: a row is keyed `<txhash>:<n>`, n counting the rows of
  /// its transaction from 0 in file order (Etherscan lists a transaction's transfers together).
  func readEtherscan(
    skipped: inout [SkipReason: Int], problem: (SourceError) throws -> Bool,
    _ body: (TransferRecord) throws -> Void
  ) throws {
    let reader = try CSVReader(path: path)
    let index = try columns(
      reader,
      wanted: [
        ["Transaction Hash", "Txhash"], ["Blockno"], ["UnixTimestamp"], ["From"], ["To"],
        ["Quantity", "Value"],
      ])
    var lastHash = ""
    var ordinal = 0
    try forEachRow(reader, fieldCount: index.max()! + 1, problem: problem) { row, location in
      let hash = row[index[0]].lowercased()
      guard EthHex.isHash(hash) else {
        throw SourceError(
          location: location, code: .invalidOperation,
          reason: "'\(row[index[0]].truncatedForMessage)' is not a transaction hash")
      }
      ordinal = hash == lastHash ? ordinal + 1 : 0
      lastHash = hash
      let amount = try tokenQuantity(row[index[5]], location)
      try body(
        TransferRecord(
          id: "\(hash):\(ordinal)", from: try address(row[index[3]], location, "From"),
          to: try address(row[index[4]], location, "To"), amount: amount,
          block: try EthHex.quantity(
            .string(row[index[1]]), location, "Blockno", max: Limits.heightMax),
          time: try EthHex.quantity(
            .string(row[index[2]]), location, "UnixTimestamp",
            max: UTCTime.secondsRange.upperBound)))
    }
  }

  /// A quantity in token units with optional thousands separators (`1,234.5`), exact.
  func tokenQuantity(_ text: String, _ location: String) throws(SourceError) -> Amount {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
    let wellGrouped =
      groups.count == 1
      || (groups.first!.count <= 3 && !groups.first!.isEmpty
        && groups.dropFirst().allSatisfy { $0.count == 3 })
    guard wellGrouped else {
      throw SourceError(
        location: location, code: .invalidAmount,
        reason: "'\(text.truncatedForMessage)' has misplaced thousands separators")
    }
    let plain =
      groups.joined() + (parts.count > 1 ? "." + parts.dropFirst().joined(separator: ".") : "")
    do {
      return try asset.amount(plain)
    } catch {
      throw SourceError(location: location, code: error.code, reason: "Quantity \(error.message)")
    }
  }

  func readETL(
    skipped: inout [SkipReason: Int], problem: (SourceError) throws -> Bool,
    _ body: (TransferRecord) throws -> Void
  ) throws {
    let contract = try requireContract()
    let keys = [
      "token_address", "from_address", "to_address", "value", "transaction_hash", "log_index",
      "block_number",
    ]
    func record(_ fields: [String], _ location: String) throws(SourceError) -> TransferRecord? {
      guard fields[0].lowercased() == contract else {
        skipped[.otherContract, default: 0] += 1
        return nil
      }
      guard let value = DecimalText.parseDigits(fields[3].utf8),
        DecimalText.isCanonical(fields[3].utf8)
      else {
        let overflow = !fields[3].isEmpty && fields[3].utf8.allSatisfy(DecimalText.isDigit)
        throw SourceError(
          location: location, code: overflow ? .amountOverflow : .invalidAmount,
          reason: "value '\(fields[3].truncatedForMessage)' is not base units below 2^128")
      }
      let hash = fields[4].lowercased()
      guard EthHex.isHash(hash), let logIndex = Int64(fields[5]), logIndex >= 0 else {
        throw SourceError(
          location: location, code: .invalidOperation,
          reason: "transaction_hash or log_index is malformed")
      }
      return TransferRecord(
        id: "\(hash):\(logIndex)", from: try address(fields[1], location, "from_address"),
        to: try address(fields[2], location, "to_address"), amount: Amount(baseUnits: value),
        block: try EthHex.quantity(
          .string(fields[6]), location, "block_number", max: Limits.heightMax), time: nil)
    }
    if try Self.looksLikeJSON(path) {
      try forEachObject(problem: problem) { object, location in
        // An object without the columns is not a token_transfers row (a JSON-RPC log, say):
        // rejected as such, never read as a row of another contract.
        if let missing = keys.first(where: { object[$0] == nil }) {
          throw SourceError(
            location: location, code: .invalidOperation,
            reason: "has no '\(missing)' field: not an ethereum-etl token_transfers row")
        }
        let fields = keys.map { key -> String in
          switch object[key] {
          case .string(let text)?: text
          case .number(let text)?: text
          default: ""
          }
        }
        if let transfer = try record(fields, location) { try body(transfer) }
      }
      return
    }
    let reader = try CSVReader(path: path)
    let index = try columns(reader, wanted: keys.map { [$0] })
    try forEachRow(reader, fieldCount: index.max()! + 1, problem: problem) { row, location in
      if let transfer = try record(index.map { row[$0] }, location) { try body(transfer) }
    }
  }

  static func looksLikeJSON(_ path: String) throws -> Bool {
    let reader = try ByteReader(path: path)
    while let byte = reader.peek(),
      byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte >= 0xEF
    {
      _ = reader.next()
    }
    return reader.peek() == UInt8(ascii: "{") || reader.peek() == UInt8(ascii: "[")
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    var slice = Substring(self)
    while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
    while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
    return String(slice)
  }
}
