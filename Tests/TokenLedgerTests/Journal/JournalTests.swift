import Testing

@testable import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

/// Proves the journal's promises: idempotency, the clock, pausing, typed errors that leave the
/// head hash and state digest untouched, and batches that are all-or-nothing or per operation.
@Suite struct JournalTests {
  let setup = [
    anyAsset,
    #"{"op":"mint","asset":"TOK","to":"alice","amount":"100","id":"m1","height":10,"time":"2024-01-01T00:00:00Z"}"#,
  ]

  @Test func theSameIdAndPayloadIsANoOpAndADifferentPayloadIsDuplicateId() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: setup)
    let before = try ledger.summary()
    let again = try ledger.apply(jsonLines: [setup[1]])
    #expect(again == [.unchanged(sequence: 2)])
    #expect(try ledger.summary() == before)
    // Key order and amount spelling do not matter: the payload is normalized first.
    let reordered =
      #"{"time":"2024-01-01T00:00:00Z","height":10,"id":"m1","amount":"100.000000","to":"alice","asset":"TOK","op":"mint"}"#
    #expect(try ledger.apply(jsonLines: [reordered]) == [.unchanged(sequence: 2)])
    let changed =
      #"{"op":"mint","asset":"TOK","to":"alice","amount":"101","id":"m1","height":10,"time":"2024-01-01T00:00:00Z"}"#
    #expect(errorCode(ledger, [changed]) == .duplicateId)
    // The id check comes first: an invalid operation reusing an id is duplicateId too.
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"NOPE","to":"alice","amount":"1","id":"m1"}"#])
        == .duplicateId)
    #expect(try ledger.summary() == before)
  }

  /// The journal remembers normalized addresses; what it remembers is exactly what the scheme
  /// says, and a differently spelled (wrong-checksum) form is still checked on its own.
  @Test func rememberedAddressesNormalizeAsTheSchemeDoes() throws {
    let ledger = try makeLedger()
    let checksummed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    let lower = checksummed.lowercased()
    let badChecksum = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm"}"#,
      #"{"op":"mint","asset":"FET","to":"\#(lower)","amount":"5"}"#,
      #"{"op":"mint","asset":"FET","to":"\#(lower)","amount":"7"}"#,
      #"{"op":"mint","asset":"FET","to":"\#(checksummed)","amount":"1"}"#,
    ])
    #expect(try ledger.balances().map(\.account) == [checksummed])
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"FET","to":"\#(badChecksum)","amount":"1"}"#])
        == .invalidAddress)
    try ledger.read { journal in
      #expect(
        journal.normalizedAddresses[Journal.AddressKey(scheme: .evm, text: lower)] == checksummed)
      #expect(
        journal.normalizedAddresses[Journal.AddressKey(scheme: .evm, text: badChecksum)] == nil)
    }
  }

  @Test func anIdWithANULIsInvalid() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"TOK","to":"a","amount":"1","id":"\u0000b"}"#])
        == .invalidOperation)
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"TOK","to":"a","amount":"1","id":"a\u0000"}"#])
        == .invalidOperation)
  }

  @Test func theClockNeverGoesBackwards() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: setup)
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"TOK","to":"bob","amount":"1","height":9}"#])
        == .clockBackwards)
    #expect(
      errorCode(
        ledger,
        [#"{"op":"mint","asset":"TOK","to":"bob","amount":"1","time":"2023-12-31T23:59:59Z"}"#])
        == .clockBackwards)
    try ledger.apply(jsonLines: [
      #"{"op":"mint","asset":"TOK","to":"bob","amount":"1","height":10}"#
    ])
    try ledger.apply(jsonLines: [#"{"op":"mint","asset":"TOK","to":"bob","amount":"1"}"#])
    #expect(try ledger.balances(account: "bob").first?.available.description == "2000000")
  }

  @Test func everyRejectionLeavesTheLedgerExactlyAsItWas() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: setup)
    let before = try ledger.summary()
    let cases: [(String, ErrorCode)] = [
      (
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"100.000001"}"#,
        .insufficientBalance
      ),
      (
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"1.0000001"}"#,
        .precisionExceeded
      ),
      (#"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"-1"}"#, .invalidAmount),
      (
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"1e2"}"#, .invalidAmount
      ),
      (#"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":5}"#, .invalidAmount),
      (
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"@supply","amount":"1"}"#,
        .invalidAddress
      ),
      (#"{"op":"transfer","asset":"XYZ","from":"alice","to":"bob","amount":"1"}"#, .unknownAsset),
      (
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"1","memo":"x"}"#,
        .invalidOperation
      ),
      (#"{"op":"transfer","asset":"TOK","from":"alice","amount":"1"}"#, .invalidOperation),
      (#"{"op":"teleport","asset":"TOK"}"#, .invalidOperation),
      (
        #"{"op":"mint","asset":"TOK","to":"bob","amount":"340282366920938463463374607431768.211455"}"#,
        .amountOverflow
      ),
      (
        #"{"op":"defineAsset","symbol":"TOK","decimals":9,"addressScheme":"any"}"#,
        .invalidOperation
      ),
    ]
    for (line, code) in cases {
      #expect(errorCode(ledger, [line]) == code, "\(line)")
      #expect(try ledger.summary() == before, "\(line) changed the ledger")
    }
  }

  @Test func aPausedAssetRejectsMovementsButNotApprovals() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: setup + [#"{"op":"setPaused","asset":"TOK","paused":true}"#])
    #expect(
      errorCode(
        ledger, [#"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"1"}"#])
        == .assetPaused)
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"TOK","to":"bob","amount":"1"}"#]) == .assetPaused)
    try ledger.apply(jsonLines: [
      #"{"op":"approve","asset":"TOK","owner":"alice","spender":"bob","amount":"1"}"#
    ])
    #expect(
      try ledger.allowance(asset: "TOK", owner: "alice", spender: "bob")
        == .limited(Amount(baseUnits: 1_000_000)))
  }

  @Test func atomicBatchesApplyNothingOnFailureAndNameTheOperation() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: setup)
    let before = try ledger.summary()
    let batch = [
      #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"10"}"#,
      #"{"op":"transfer","asset":"TOK","from":"bob","to":"carol","amount":"11"}"#,
    ]
    let error = #expect(throws: LedgerError.self) { try ledger.apply(jsonLines: batch) }
    #expect(error?.code == .insufficientBalance)
    #expect(error?.message.hasPrefix("operation 2:") == true)
    #expect(try ledger.summary() == before)
  }

  @Test func independentBatchesReportEachOperation() throws {
    let ledger = try makeLedger()
    let results = try ledger.apply(
      jsonLines: setup + [
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"200"}"#,
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"20"}"#,
      ], mode: .independent)
    #expect(results.count == 4)
    guard case .failed(let error) = results[2] else {
      Issue.record("operation 3 should fail")
      return
    }
    #expect(error.code == .insufficientBalance)
    #expect(results[3] == .applied(sequence: 3))
    #expect(try ledger.balances(account: "bob").first?.available.description == "20000000")
  }

  @Test func balancesAtAPointInTimeComeFromTheJournal() throws {
    let ledger = try makeLedger()
    try ledger.apply(
      jsonLines: setup + [
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"10","height":20,"time":"2024-01-02T00:00:00Z"}"#,
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"5","height":30,"time":"2024-01-03T00:00:00Z"}"#,
      ])
    func bob(_ point: PointInTime) throws -> String {
      try ledger.balances(account: "bob", at: point).first?.formatted(.available) ?? "0"
    }
    #expect(try bob(.sequence(2)) == "0")
    #expect(try bob(.sequence(3)) == "10")
    #expect(try bob(.height(29)) == "10")
    #expect(try bob(.height(30)) == "15")
    #expect(try bob(.time(LedgerTime("2024-01-02T12:00:00Z")!)) == "10")
    #expect(try bob(.now) == "15")
    #expect(try ledger.balances(at: .sequence(4)) == ledger.balances())
  }

  @Test func exportThenApplyRebuildsTheSameHeadAndDigest() throws {
    let ledger = try makeLedger()
    try ledger.apply(
      jsonLines: setup + [
        #"{"op":"approve","asset":"TOK","owner":"alice","spender":"bob","amount":"unlimited"}"#,
        #"{"op":"transferFrom","asset":"TOK","spender":"bob","from":"alice","to":"carol","amount":"3.25","id":"x"}"#,
        #"{"op":"burn","asset":"TOK","from":"carol","amount":"0.25"}"#,
      ])
    var lines: [String] = []
    try ledger.exportLines { lines.append($0) }
    let copy = try makeLedger()
    try copy.apply(jsonLines: lines)
    #expect(try copy.summary() == ledger.summary())
    var partial: [String] = []
    try ledger.exportLines(until: 3) { partial.append($0) }
    #expect(partial.count == 3)
  }

  @Test func theHashChainLinksEveryEntry() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: setup)
    let first = try ledger.summary().headHash
    try ledger.apply(jsonLines: [
      #"{"op":"transfer","asset":"TOK","from":"alice","to":"bob","amount":"1"}"#
    ])
    let second = try ledger.summary().headHash
    #expect(first != second && first.count == 64 && second.count == 64)
    let hashes = try ledger.read { journal in
      var rows: [String] = []
      try journal.database.forEachRow("SELECT hash FROM entries ORDER BY seq") {
        rows.append($0.hashHex(0)!)
      }
      return rows
    }
    #expect(hashes.last == second && Set(hashes).count == hashes.count)
  }
}

/// A read error in the middle of an input is an I/O failure, never its end: an atomic stream
/// commits nothing of what it had read.
@Suite struct ReadErrorTests {
  @Test func aReadErrorMidStreamCommitsNothing() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    let before = try ledger.summary()
    var chunks = [
      Array(#"{"op":"mint","asset":"TOK","to":"a","amount":"1"}"#.utf8) + [0x0A],
      Array(#"{"op":"mint","asset":"TOK","to":"b","amount":"2"}"#.utf8) + [0x0A],
    ]
    let reader = LineReader(name: "injected") { buffer in
      guard !chunks.isEmpty else {
        errno = EIO
        return -1
      }
      let chunk = chunks.removeFirst()
      buffer.copyBytes(from: chunk)
      return chunk.count
    }
    let error = #expect(throws: FileError.self) { try ledger.applyStream(reader) }
    #expect(error?.reason.contains("read failed") == true)
    #expect(try ledger.summary() == before, "nothing was committed")
    #expect(try ledger.balances(asset: "TOK").isEmpty)
  }
}

/// Total supply is minted − burned − slashed + rewarded, bounded by 2^128 − 1; the system
/// counters behind it are not: after minting 2^128 − 1 and slashing 5, minting 5 is legal.
@Suite struct SupplyCounterTests {
  static let max = "340282366920938463463374607431768211455"

  @Test func mintingWhatASlashFreedIsLegal() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"T","to":"d","amount":"\#(Self.max)"}"#,
      #"{"op":"registerValidator","asset":"T","validator":"v","operator":"o","commission":"0"}"#,
      #"{"op":"delegate","asset":"T","delegator":"d","validator":"v","amount":"100"}"#,
      #"{"op":"slash","asset":"T","validator":"v","fraction":"0.05"}"#,
      #"{"op":"mint","asset":"T","to":"e","amount":"1"}"#,
    ])
    #expect(try ledger.totalSupply(asset: "T").baseUnits == UInt128.max - 4)
    try ledger.apply(jsonLines: [#"{"op":"mint","asset":"T","to":"e","amount":"4"}"#])
    #expect(try ledger.totalSupply(asset: "T") == .max)
    #expect(
      errorCode(ledger, [#"{"op":"mint","asset":"T","to":"e","amount":"1"}"#]) == .amountOverflow)
    let supply = try #require(try ledger.buckets(account: "@supply", asset: "T").first)
    #expect(supply.amount.description == "-340282366920938463463374607431768211460")
    #expect(try ledger.audit().ok)
    #expect(try ledger.replay().ok)
    var lines: [String] = []
    try ledger.exportLines { lines.append($0) }
    let copy = try makeLedger()
    try copy.apply(jsonLines: lines)
    #expect(try copy.summary() == ledger.summary())
  }
}
