import Foundation
import Testing

@testable import TokenLedger

/// Each result has one JSON form: what `JSONEncoder` writes of it is its `jsonObject` (the
/// form the command line prints), and `JSONDecoder` reads that back to an equal value.
@Suite struct JSONFormTests {
  /// Encodes with Foundation's encoder and parses the bytes with the ledger's own parser.
  func encoded<T: JSONForm>(_ value: T) throws -> JSONValue {
    try JSONParser.parseDocument(Array(JSONEncoder().encode(value)), name: "encoded")
  }

  func roundTrip<T: JSONForm & Equatable>(_ value: T) throws {
    #expect(try encoded(value) == value.jsonObject, "\(T.self)")
    let decoded = try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    #expect(decoded == value, "\(T.self)")
  }

  func books() throws -> Ledger {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"any","unbondingSeconds":60,"denom":"afet","maxCommission":"0.2"}"#,
      #"{"op":"mint","asset":"FET","to":"alice","amount":"12.5","height":7,"time":"2024-01-01T00:00:00Z"}"#,
      #"{"op":"mint","asset":"FET","to":"bob","amount":"0.000000000000000001"}"#,
      #"{"op":"registerValidator","asset":"FET","validator":"v","operator":"o","commission":"0.05"}"#,
    ])
    return ledger
  }

  @Test func theLedgersFactsEncodeAsTheirJSONForm() throws {
    let ledger = try books()
    let info = try ledger.info()
    try roundTrip(info)
    let facts = try #require(info.assets.first)
    try roundTrip(facts)
    try roundTrip(facts.definition)
    // Token units, named by the asset's decimals, exactly.
    #expect(facts.jsonObject["supply"] == .string("12.500000000000000001"))
    #expect(facts.jsonObject["clock"]?["time"] == .string("2024-01-01T00:00:00Z"))
    // An optional field the definition does not set is null, as `contract` is, never absent.
    #expect(
      facts.jsonObject["contract"] == .null && facts.jsonObject["maxUnbondingEntries"] == .null)
    #expect(facts.jsonObject["maxCommission"] == .string("0.2"))
  }

  @Test func proofsAndCheckpointsEncodeAsTheirDocuments() throws {
    let ledger = try books()
    let (privateKey, _) = Checkpoint.generatePrivateKey()
    let publication = try ledger.liabilities(asset: "FET", privateKey: privateKey)
    try roundTrip(publication.root)
    let proof = try #require(publication.proof(account: "alice"))
    try roundTrip(proof)
    try roundTrip(try Checkpoint.sign(ledger, privateKey: privateKey))
  }

  @Test func applyResultsAndErrorsNameTheOperationsIndex() throws {
    let ledger = try books()
    let results = try ledger.apply(
      jsonLines: [
        #"{"op":"mint","asset":"FET","to":"carol","amount":"1"}"#,
        #"{"op":"burn","asset":"FET","from":"carol","amount":"5"}"#,
      ], mode: .independent)
    for result in results { try roundTrip(result) }
    guard case .failed(let error) = results[1] else {
      Issue.record("the burn of more than carol holds applied")
      return
    }
    #expect(error.jsonObject["code"] == .string("insufficientBalance"))
    #expect(error.jsonObject["operationIndex"] == .number("1"))
    try roundTrip(error)
    try roundTrip(ApplyResult.unchanged(sequence: nil))
  }

  @Test func importSummariesEncodeAsTheCommandPrintsThem() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [CosmosExportTests.protobufAsset])
    let cosmos = try ledger.importCosmosExport(
      path: try CosmosExportTests.protobufExport(), asset: "FET")
    #expect(try encoded(cosmos) == cosmos.jsonObject)
    let decoded = try JSONDecoder().decode(
      CosmosImportSummary.self, from: JSONEncoder().encode(cosmos))
    #expect(decoded.jsonObject == cosmos.jsonObject)
    var summary = ImportSummary()
    summary.imported = 3
    summary.skipped = [.otherContract: 2]
    try roundTrip(summary)
    try roundTrip(StateImportSummary(validators: 1, stakes: 2, balances: 3, written: 6))
  }

  /// A form that is not one is refused naming the field, never half-read.
  @Test func aMalformedFormIsRefusedNamingTheField() throws {
    let bad = Data(#"{"result":"applied","sequence":"7"}"#.utf8)
    #expect(throws: LedgerError.self) { try JSONDecoder().decode(ApplyResult.self, from: bad) }
    let asset = Data(#"{"symbol":"X","decimals":99,"addressScheme":"any"}"#.utf8)
    #expect(throws: LedgerError.self) {
      try JSONDecoder().decode(AssetDefinition.self, from: asset)
    }
  }
}
