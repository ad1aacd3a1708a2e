/// A fixture ledger (`format: "tokenledger-fixture/1"`): assets, an ordered list of operations
/// (the objects `apply` reads, optionally with `expectError`), and expectations. The library's
/// ``Fixture/load(into:)`` and `tokenledger load` run this same code.
public struct Fixture: Sendable {
  /// The document's `format` field.
  public static let format = "tokenledger-fixture/1"

  /// What the fixture shows, often with its numbers worked by hand.
  public let description: String?
  /// The assets it defines (`defineAsset` fields).
  public let assets: [[String: JSONValue]]
  /// Its operations, in order.
  public let operations: [[String: JSONValue]]
  /// The balances it must end with.
  public let expectedBalances: [[String: JSONValue]]
  /// The total supplies it must end with, by asset.
  public let expectedTotalSupply: [String: JSONValue]
  /// The allowances it must end with.
  public let expectedAllowances: [[String: JSONValue]]

  /// Parses a fixture document. A malformed document is `invalidOperation`.
  public init(json bytes: [UInt8]) throws(LedgerError) {
    let root: JSONValue
    do {
      root = try JSONParser.parse(bytes)
    } catch {
      throw LedgerError(.invalidOperation, "fixture: \(error.description)")
    }
    guard let object = root.objectValue else {
      throw LedgerError(.invalidOperation, "fixture: not a JSON object")
    }
    guard object["format"] == .string(Self.format) else {
      throw LedgerError(.invalidOperation, "fixture: 'format' must be \"\(Self.format)\"")
    }
    let known: Set<String> = ["format", "description", "assets", "operations", "expect"]
    if let extra = object.keys.filter({ !known.contains($0) }).sorted().first {
      throw LedgerError(.invalidOperation, "fixture: unknown field '\(extra.truncatedForMessage)'")
    }
    func objects(_ value: JSONValue?, _ name: String) throws(LedgerError) -> [[String: JSONValue]] {
      guard let value else { return [] }
      guard let items = value.arrayValue else {
        throw LedgerError(.invalidOperation, "fixture: '\(name)' must be an array")
      }
      var result: [[String: JSONValue]] = []
      for (index, item) in items.enumerated() {
        guard let member = item.objectValue else {
          throw LedgerError(.invalidOperation, "fixture: \(name)[\(index)] must be an object")
        }
        result.append(member)
      }
      return result
    }
    description = object["description"]?.stringValue
    assets = try objects(object["assets"], "assets")
    operations = try objects(object["operations"], "operations")
    let expect = object["expect"]?.objectValue ?? [:]
    if let extra = expect.keys.filter({ !["balances", "totalSupply", "allowances"].contains($0) })
      .sorted().first
    {
      throw LedgerError(
        .invalidOperation, "fixture: unknown expect field '\(extra.truncatedForMessage)'")
    }
    expectedBalances = try objects(expect["balances"], "expect.balances")
    expectedTotalSupply = expect["totalSupply"]?.objectValue ?? [:]
    expectedAllowances = try objects(expect["allowances"], "expect.allowances")
  }
}

/// What loading a fixture found.
public struct FixtureReport: Sendable {
  /// Operations applied (including those that failed as expected).
  public let operationCount: Int
  /// Expectations not met, one line each naming account, bucket, expected and actual.
  public let failures: [String]
  /// Whether every expectation was met.
  public var passed: Bool { failures.isEmpty }
}
