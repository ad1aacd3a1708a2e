import Testing

@testable import TokenLedger

/// One name, one account: free-form keys must be NFC (the contract's rule), so that Swift's
/// `String ==` (canonical equivalence) and SQLite's byte comparison can never disagree. Both
/// forms of `café` are tried for every kind of free-form key.
@Suite struct UnicodeFormTests {
  static let nfc = "caf\u{E9}"
  static let nfd = "cafe\u{301}"

  @Test func theTwoFormsAreOneStringToSwiftAndTwoToSQLite() {
    #expect(Self.nfc == Self.nfd, "Swift compares canonically")
    #expect(!Self.nfc.utf8.elementsEqual(Self.nfd.utf8), "their bytes differ")
    #expect(UnicodeForm.problem(Self.nfc) == nil)
    #expect(UnicodeForm.problem("plain ascii") == nil)
    #expect(UnicodeForm.problem(Self.nfd) != nil)
  }

  @Test(arguments: [
    #"{"op":"mint","asset":"TOK","to":"NAME","amount":"1"}"#,
    #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"1","hold":"NAME"}"#,
    #"{"op":"settle","hold":"NAME"}"#,
    #"{"op":"void","hold":"NAME"}"#,
    #"{"op":"registerValidator","asset":"TOK","validator":"NAME","operator":"o","commission":"0"}"#,
    #"{"op":"mint","asset":"TOK","to":"a","amount":"1","id":"NAME"}"#,
  ])
  func everyFreeFormKeyRefusesNFDAndKeepsNFC(template: String) throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
    ])
    let nfd = template.replacingOccurrences(of: "NAME", with: Self.nfd)
    let nfc = template.replacingOccurrences(of: "NAME", with: Self.nfc)
    let code = errorCode(ledger, [nfd])
    // Holder names and validator ids are addresses of the `any` scheme; ids are not.
    let isAddress = template.contains(#""to":"NAME""#) || template.contains(#""validator":"NAME""#)
    let expected: ErrorCode = isAddress ? .invalidAddress : .invalidOperation
    #expect(code == expected, "\(nfd)")
    if template.contains("settle") || template.contains("void") {
      try ledger.apply(jsonLines: [
        #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"1","hold":"\#(Self.nfc)"}"#
      ])
    }
    try ledger.apply(jsonLines: [nfc])
    #expect(try ledger.audit().ok)
  }

  /// The attack of the issue: two holds whose ids are the two forms, in one apply. One is
  /// refused, so the other can be settled in a later process; audit, replay and an export
  /// round trip agree.
  @Test func twinHoldsCannotShareARowAcrossProcesses() throws {
    let directory = "/tmp/tokenledger-nfc-\(UInt64.random(in: 0...UInt64.max))"
    let path = directory + ".sqlite"
    do {
      let ledger = try Ledger.open(at: path, create: true)
      try ledger.apply(jsonLines: [
        anyAsset, #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
        #"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"3","hold":"\#(Self.nfc)"}"#,
      ])
      #expect(
        errorCode(
          ledger,
          [#"{"op":"hold","asset":"TOK","from":"a","to":"b","amount":"4","hold":"\#(Self.nfd)"}"#]
        ) == .invalidOperation)
    }
    let reopened = try Ledger.open(at: path)
    #expect(errorCode(reopened, [#"{"op":"settle","hold":"\#(Self.nfd)"}"#]) == .invalidOperation)
    try reopened.apply(jsonLines: [#"{"op":"settle","hold":"\#(Self.nfc)"}"#])
    #expect(try reopened.audit().ok)
    #expect(try reopened.replay().ok)
    var lines: [String] = []
    try reopened.exportLines { lines.append($0) }
    let copy = try makeLedger()
    try copy.apply(jsonLines: lines)
    #expect(try copy.summary().stateDigest == reopened.summary().stateDigest)
    #expect(try copy.summary().headHash == reopened.summary().headHash)
  }

  /// SS58 prefix 42 has one spelling: its two-byte form is a second address of one key.
  @Test func anSS58PrefixHasOneCanonicalForm() throws {
    let scheme = AddressScheme.ss58(prefix: 42)
    // Alice's key (5Grwva…) with prefix 42 packed in the two-byte form (bytes 74, 128) and a
    // valid checksum, made with Python's blake2b and base58 by hand.
    let twoByte = "Zp5wgt7iipcBBD8qrDbgQerUy6vWeg3np21675SE43SmZaPo9"
    let error = #expect(throws: LedgerError.self) { try scheme.normalize(twoByte) }
    #expect(error?.code == .invalidAddress)
    #expect(error?.message.contains("two-byte form") == true)
    #expect(try scheme.normalize("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY") != "")
  }
}
