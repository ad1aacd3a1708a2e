import Testing

@testable import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

/// Proves every shipped fixture passes (each into a fresh ledger), that a wrong expectation is
/// reported (the check can fail), and that an unexpected failure keeps nothing of the fixture.
@Suite struct FixtureTests {
  static let fixtureFiles: [String] = {
    var files: [String] = []
    for folder in ["erc20", "examples", "staking", "subnets", "conversions"] {
      let listing = Repository.root + "/fixtures/" + folder
      guard let directory = opendir(listing) else { continue }
      defer { closedir(directory) }
      while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) {
          String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name.hasSuffix(".json") { files.append(folder + "/" + name) }
      }
    }
    return files.sorted()
  }()

  @Test func thereAreFixturesToRun() {
    #expect(Self.fixtureFiles.filter { $0.hasPrefix("erc20/") }.count >= 25)
  }

  @Test(arguments: fixtureFiles)
  func fixturePasses(file: String) throws {
    let fixture = try Fixture(json: try Repository.read(Repository.root + "/fixtures/" + file))
    #expect(fixture.description?.isEmpty == false, "a fixture explains itself")
    let report = try fixture.load(into: try makeLedger())
    #expect(report.failures == [])
  }

  @Test func aWrongExpectationIsReported() throws {
    let text = """
      {"format":"tokenledger-fixture/1","description":"wrong on purpose","assets":[{"symbol":"T","decimals":2,"addressScheme":"any"}],
       "operations":[{"op":"mint","asset":"T","to":"a","amount":"5"}],
       "expect":{"balances":[{"account":"a","asset":"T","available":"5.01"}],"totalSupply":{"T":"4"},
                 "allowances":[{"owner":"a","spender":"b","asset":"T","amount":"1"}]}}
      """
    let ledger = try makeLedger()
    let report = try Fixture(json: Array(text.utf8)).load(into: ledger)
    #expect(
      report.failures == [
        "a T available: expected 5.01, actual 5",
        "totalSupply T: expected 4, actual 5",
        "allowance a→b T: expected 1, actual 0",
      ])
    #expect(try ledger.totalSupply(asset: "T") == Amount(baseUnits: 500), "operations are kept")
  }

  @Test func anUnexpectedFailureKeepsNothing() throws {
    let text = """
      {"format":"tokenledger-fixture/1","assets":[{"symbol":"T","decimals":2,"addressScheme":"any"}],
       "operations":[{"op":"mint","asset":"T","to":"a","amount":"5"},
                     {"op":"transfer","asset":"T","from":"a","to":"b","amount":"6"}]}
      """
    let ledger = try makeLedger()
    let error = #expect(throws: LedgerError.self) {
      try Fixture(json: Array(text.utf8)).load(into: ledger)
    }
    #expect(error?.code == .insufficientBalance)
    #expect(error?.message.contains("operation 2 (transfer)") == true)
    #expect(try ledger.summary().entries == 0)
    #expect(try ledger.asset("T") == nil)
  }

  @Test func anExpectedErrorThatDoesNotHappenFails() throws {
    let text = """
      {"format":"tokenledger-fixture/1","assets":[{"symbol":"T","decimals":2,"addressScheme":"any"}],
       "operations":[{"op":"mint","asset":"T","to":"a","amount":"5","expectError":"insufficientBalance"}]}
      """
    #expect(throws: LedgerError.self) {
      try Fixture(json: Array(text.utf8)).load(into: try makeLedger())
    }
    let wrongCode = """
      {"format":"tokenledger-fixture/1","assets":[{"symbol":"T","decimals":2,"addressScheme":"any"}],
       "operations":[{"op":"burn","asset":"T","from":"a","amount":"5","expectError":"invalidAmount"}]}
      """
    let error = #expect(throws: LedgerError.self) {
      try Fixture(json: Array(wrongCode.utf8)).load(into: try makeLedger())
    }
    #expect(error?.code == .insufficientBalance)
  }

  @Test func malformedFixturesAreRejected() {
    for text in [
      "[]", #"{"format":"other"}"#, #"{"format":"tokenledger-fixture/1","extra":1}"#,
      #"{"format":"tokenledger-fixture/1","operations":{}}"#, "{",
    ] {
      #expect(throws: LedgerError.self, "\(text)") { try Fixture(json: Array(text.utf8)) }
    }
  }
}
