/// What a check reads: the database inside one read transaction (a consistent snapshot), and
/// helpers shared by several checks.
final class AuditContext {
  let database: Database
  let journal: Journal

  init(journal: Journal) {
    self.journal = journal
    self.database = journal.database
  }

  /// Asset definitions by symbol, read once; a definition that does not decode is left out
  /// (the assets check reports it).
  lazy var assets: [String: AssetDefinition] = {
    var result: [String: AssetDefinition] = [:]
    try? database.forEachStoredAsset { row in
      if let definition = try? Journal.decodeDefinition(row.definition ?? "") {
        result[row.symbol] = definition
      }
    }
    return result
  }()

  /// Calls `body` with every entry of the given kinds in sequence order, its payload parsed.
  func forEachEntry(
    kinds: [EntryKind],
    _ body: (_ sequence: Int64, _ kind: EntryKind, _ payload: [String: JSONValue], _ time: Int64?)
      throws -> Void
  ) throws {
    try database.forEachEntryPayload(kinds: kinds) { sequence, kindText, text, time in
      guard let payload = try? JSONParser.parse(text).objectValue,
        let kind = EntryKind(rawValue: kindText)
      else { return }
      try body(sequence, kind, payload, time)
    }
  }

  /// The amount of a payload field in base units, for the asset's decimals.
  func amount(_ payload: [String: JSONValue], _ key: String = "amount", asset: String) -> Amount? {
    guard let text = payload[key]?.stringValue, let decimals = assets[asset]?.decimals else {
      return nil
    }
    return try? Amount(parsing: text, decimals: decimals)
  }

  func format(_ amount: Amount, _ asset: String) -> String {
    amount.formatted(decimals: assets[asset]?.decimals ?? 0)
  }
}
