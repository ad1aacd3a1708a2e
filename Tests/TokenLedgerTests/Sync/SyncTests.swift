import Foundation
import Testing

@testable import TokenLedger

/// `Ledger.sync` against a chain kept in memory (``MemoryChain``): the same entries as an
/// import of the same logs, resumable, blocks inside the confirmation window left alone, a
/// reorganisation deeper than it stopped and named, and answers that cannot be true refused
/// with nothing of them applied.
@Suite struct SyncTests {
  static let asset =
    #"{"op":"defineAsset","symbol":"TOK","decimals":18,"addressScheme":"evm","contract":"0x00000000000000000000000000000000000000FE"}"#
  static let zero = "0x" + String(repeating: "0", count: 40)
  static func holder(_ index: Int) -> String {
    "0x" + String(repeating: "0", count: 38) + String(format: "%02x", index)
  }

  /// 40 blocks: mints to 5 holders, then transfers among them and a burn.
  static func chain() -> MemoryChain {
    let chain = MemoryChain(blocks: 1)
    chain.mine((1...5).map { (zero, holder($0), UInt128($0) * 1_000_000) })
    for block in 2..<40 {
      let from = holder(1 + block % 5)
      let to = holder(1 + (block * 3) % 5)
      let transfers: [(String, String, UInt128)] = [(from, to, UInt128(block)), (from, zero, 1)]
      chain.mine(block % 4 == 0 ? [] : transfers)
    }
    return chain
  }

  static func node(_ chain: MemoryChain) -> EthereumNode {
    var client = JSONRPCClient(url: "http://user:secret@127.0.0.1:8545/key123", transport: chain)
    client.backoff = 0
    return EthereumNode(client: client)
  }

  /// No confirmations asked, up to `until`.
  static func immediate(until: Int64? = nil) -> SyncOptions {
    var options = SyncOptions()
    options.confirmations = 0
    options.untilBlock = until
    return options
  }

  func ledger() throws -> Ledger {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [Self.asset])
    return ledger
  }

  @Test func aSyncWritesWhatAnImportOfTheSameLogsWrites() throws {
    let chain = Self.chain()
    var options = SyncOptions()
    options.confirmations = 0
    options.batchBlocks = 7
    let synced = try ledger()
    let summary = try synced.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(summary.block == 39)
    #expect(summary.blocks == 40)
    #expect(summary.imports.imported == 5 + 2 * 29, "29 of blocks 2…39 have two transfers")
    #expect(summary.chainId == MemoryChain.chainId)
    let file = FileManager.default.temporaryDirectory.path + "/sync-\(UUID().uuidString).json"
    try chain.logsFile().write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let imported = try ledger()
    #expect(try imported.importTransfers(kind: .ethLogs, path: file, asset: "TOK").imported == 63)
    #expect(try synced.summary() == imported.summary())
    // Again: nothing new, nothing twice.
    let again = try synced.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(again.blocks == 0 && again.imports.imported == 0)
    #expect(try synced.summary() == imported.summary())
  }

  @Test func blocksInsideTheWindowWaitAndASyncResumesAfterItsPosition() throws {
    let chain = Self.chain()
    let ledger = try ledger()
    var options = SyncOptions()
    options.confirmations = 12
    let first = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(first.block == Int64(39 - 12))
    #expect(first.head == 39)
    for _ in 0..<5 { chain.mine([(Self.holder(2), Self.holder(3), 7)]) }
    options.batchBlocks = .max  // any batch size, no overflow
    let second = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(second.block == Int64(44 - 12))
    #expect(second.blocks == 5)
    options.untilBlock = 30
    options.confirmations = 0
    #expect(try ledger.sync(asset: "TOK", node: Self.node(chain), options: options).block == 32)
    // A --from-block past the position would leave blocks out.
    options.untilBlock = nil
    options.fromBlock = 40
    #expect(throws: LedgerError.self) {
      try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    }
  }

  @Test func aReorganisationDeeperThanTheWindowStopsAndNamesBothHashes() throws {
    let chain = Self.chain()
    let ledger = try ledger()
    var options = SyncOptions()
    options.confirmations = 3
    let first = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(first.block == 36)
    let before = try ledger.summary()
    // A shallow reorganisation (blocks 37…39) is inside the window: nothing to notice.
    chain.reorganize(above: 36)
    for _ in 0..<4 { chain.mine([(Self.holder(4), Self.holder(5), 9)], salt: "b") }
    let shallow = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(shallow.reorganization == nil)
    #expect(shallow.block == 37)
    // A deep one replaces block 37, which the ledger applied.
    let recorded = shallow.blockHash!
    chain.reorganize(above: 30)
    for _ in 0..<12 { chain.mine([], salt: "c") }
    let after = try ledger.summary()
    let deep = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    let reorganization = try #require(deep.reorganization)
    #expect(reorganization.block == 37)
    #expect(reorganization.recorded == recorded)
    #expect(reorganization.chain != recorded)
    #expect(try ledger.summary() == after, "nothing applied after the reorganisation")
    #expect(after != before)
  }

  @Test func answersThatCannotBeTrueAreRefusedWithNothingApplied() throws {
    for fault in [MemoryChain.Fault.foreignLog, .logOutsideRange] {
      let chain = Self.chain()
      chain.inject([fault])
      let ledger = try ledger()
      let before = try ledger.summary()
      var options = SyncOptions()
      options.confirmations = 0
      #expect {
        try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
      } throws: { error in
        (error as? ChainError)?.kind == .malformed
      }
      #expect(try ledger.summary() == before)
    }
  }

  @Test func transientFaultsAreRetriedAndTooManyResultsShrinksTheRange() throws {
    let chain = Self.chain()
    chain.inject([.unreachable, .status(503), .status(429)])
    chain.limitLogRange(3)
    let ledger = try ledger()
    var options = SyncOptions()
    options.confirmations = 0
    let summary = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(summary.imports.imported == 63)
    // An endpoint that never answers: the last cause, the attempts, and no credentials.
    let down = MemoryChain(blocks: 1)
    down.inject(Array(repeating: .status(502), count: 5))
    #expect {
      try ledger.sync(asset: "TOK", node: Self.node(down), options: options)
    } throws: { error in
      guard let error = error as? ChainError else { return false }
      return error.kind == .unreachable && error.message.contains("HTTP 502")
        && error.message.contains("5 attempts") && !error.message.contains("secret")
        && !error.message.contains("key123")
    }
  }

  /// A step's blocks but its last commit without a disk flush; the ledger is left as it was
  /// opened (`synchronous = FULL`, 2), after a sync and after a failed one.
  @Test func aSyncLeavesTheLedgersDurabilityAsItWas() throws {
    let path = FileManager.default.temporaryDirectory.path + "/sync-\(UUID().uuidString).sqlite"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let ledger = try Ledger.open(at: path, create: true)
    try ledger.apply(jsonLines: [Self.asset])
    func synchronous() throws -> Int64? {
      try ledger.withConnection { try $0.firstRow("PRAGMA synchronous") { $0.integer(0) } ?? nil }
    }
    #expect(try synchronous() == 2)
    var options = SyncOptions()
    options.confirmations = 0
    options.batchBlocks = 9
    #expect(
      try ledger.sync(asset: "TOK", node: Self.node(Self.chain()), options: options).block == 39)
    #expect(try synchronous() == 2)
    let lying = Self.chain()
    for _ in 0..<3 { lying.mine([(Self.holder(1), Self.holder(2), 5)]) }
    lying.inject([.foreignLog])
    #expect(throws: ChainError.self) {
      try ledger.sync(asset: "TOK", node: Self.node(lying), options: options)
    }
    #expect(try synchronous() == 2)
  }

  @Test func anEndpointIsNamedWithoutItsCredentialsPathOrQuery() {
    #expect(
      JSONRPCClient.redacted("https://user:pw@node.example:8545/v3/KEY?x=1")
        == "https://node.example:8545/…")
    #expect(JSONRPCClient.redacted("http://127.0.0.1:8545") == "http://127.0.0.1:8545")
    #expect(JSONRPCClient.redacted("HTTP://[::1]:8545/k") == "http://[::1]:8545/…")
    // Whatever cannot be told for certain is not shown at all.
    for url in [
      "node.example/KEY", "https://user:pa/ss@node.example/", "https://user:pa?ss@node.example",
      "https://us#er:pw@node.example", "wss://node.example/KEY", "https://KEY:@/",
      "https://node.example:KEY/", "https://no de.example/", "https://user\\@host/",
    ] {
      #expect(JSONRPCClient.redacted(url) == "<endpoint>", "\(url)")
    }
  }

  /// The sync reads the logs, then every header of the range: a reorganisation between the
  /// two reads is seen either as the position no longer being an ancestor (deep: stop, exit
  /// 1) or as logs naming hashes their headers do not have (the range is read again).
  @Test func aReorganisationBetweenTheLogsAndTheHeadersIsNotMissed() throws {
    let chain = Self.chain()
    let ledger = try ledger()
    var options = Self.immediate(until: 20)
    #expect(try ledger.sync(asset: "TOK", node: Self.node(chain), options: options).block == 20)
    let at20 = try ledger.summary()
    options.untilBlock = nil
    // Blocks 10… replaced after the logs were read (from the old chain): block 20 is gone.
    chain.inject([.reorganizeAfterLogs(above: 9, blocks: 40)])
    let deep = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(deep.reorganization?.block == 20)
    #expect(deep.blocks == 0)
    #expect(try ledger.summary() == at20, "nothing of the old chain's logs applied")

    // Blocks 25… replaced: the position stands, the logs of 25… name hashes that are gone;
    // the range is read again and the new chain (no transfers after 24) applied.
    let other = Self.chain()
    let second = try self.ledger()
    options.untilBlock = 20
    _ = try second.sync(asset: "TOK", node: Self.node(other), options: options)
    options.untilBlock = nil
    other.inject([.reorganizeAfterLogs(above: 24, blocks: 30)])
    let moved = try second.sync(asset: "TOK", node: Self.node(other), options: options)
    #expect(moved.reorganization == nil)
    #expect(moved.block == 54)
    let expected = (21...24).filter { $0 % 4 != 0 }.count * 2
    #expect(moved.imports.imported == expected, "only blocks 21…24 of the old chain had transfers")
  }

  /// A block dated in the future would move the asset's clock past every later operation; one
  /// before its parent cannot be. Either refuses the whole step before anything is applied.
  @Test func blockTimesThatCannotBeTrueAreRefusedBeforeAnythingIsApplied() throws {
    var options = SyncOptions()
    options.confirmations = 0
    let far = Self.chain()
    far.mine(
      [(Self.holder(1), Self.holder(2), 1)], time: Int64(Date().timeIntervalSince1970) + 86_400)
    let early = Self.chain()
    early.mine([(Self.holder(1), Self.holder(2), 1)], time: 1_600_000_000)
    for (chain, words) in [(far, "ahead of this machine's clock"), (early, "before its parent")] {
      let ledger = try ledger()
      let before = try ledger.summary()
      #expect {
        try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
      } throws: { error in
        (error as? ChainError)?.kind == .malformed
          && (error as? ChainError)?.message.contains(words) == true
      }
      #expect(try ledger.summary() == before, "blocks 0…39 of the same answer not applied either")
    }
  }

  /// Logs are applied in each block's `logIndex` order whatever order the node sends them
  /// in; a log sent twice or without its block's hash is refused.
  @Test func logsAreOrderedByIndexAndAnIncompleteOrRepeatedLogIsRefused() throws {
    var options = SyncOptions()
    options.confirmations = 0
    let ordered = try ledger()
    _ = try ordered.sync(asset: "TOK", node: Self.node(Self.chain()), options: options)
    let reversed = Self.chain()
    reversed.inject([.reversedLogs])
    let shuffled = try ledger()
    _ = try shuffled.sync(asset: "TOK", node: Self.node(reversed), options: options)
    #expect(try shuffled.summary() == ordered.summary())
    for fault in [MemoryChain.Fault.duplicateLog, .noBlockHash] {
      let chain = Self.chain()
      chain.inject([fault])
      let ledger = try ledger()
      #expect {
        try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
      } throws: { error in
        (error as? ChainError)?.kind == .malformed
      }
      #expect(try ledger.summary().entries == 1, "only the asset's definition")
    }
  }

  /// A rate limit shares -32005 with "too many results": it is waited out, not halved; a
  /// block the node does not have yet is asked again.
  @Test func aRateLimitIsRetriedAndAMissingBlockAskedAgain() throws {
    let chain = Self.chain()
    chain.inject([.rateLimited, .nullBlocks])
    let ledger = try ledger()
    var options = SyncOptions()
    options.confirmations = 0
    let summary = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(summary.block == 39)
    #expect(summary.imports.imported == 63)
    #expect(chain.logRequests == 2, "the range asked again whole, not halved")
  }

  /// A stop asked while the client waits to retry ends the run with what it had committed.
  @Test func aStopDuringABackoffEndsTheRunKeepingItsCommits() throws {
    let chain = Self.chain()
    let ledger = try ledger()
    var options = Self.immediate(until: 10)
    _ = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    options.untilBlock = nil
    chain.inject(Array(repeating: .status(503), count: 5))
    var client = JSONRPCClient(url: "http://127.0.0.1:8545", transport: chain)
    client.backoff = 30
    client.isStopped = { true }
    let started = ContinuousClock.now
    let summary = try ledger.sync(
      asset: "TOK", node: EthereumNode(client: client), options: options)
    #expect(summary.block == 10, "the position read at the start")
    #expect(summary.blocks == 0)
    #expect(ContinuousClock.now - started < .seconds(20), "not the 30 s backoff")
  }

  /// A reorganisation between the two reads whose new branch has transfers where the old one
  /// had none: no log names a hash to compare, but the end block's hash changed, and the
  /// range is read again instead of committing the new blocks empty.
  @Test func aNewBranchsTransfersAreNotLostToAnEmptyOldOne() throws {
    let chain = MemoryChain(blocks: 1)
    chain.mine((1...5).map { (Self.zero, Self.holder($0), 1_000_000) })
    for _ in 2..<40 { chain.mine() }
    let ledger = try ledger()
    var options = Self.immediate(until: 20)
    _ = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    options.untilBlock = nil
    chain.inject([
      .reorganizeWithTransfersAfterLogs(
        above: 20, blocks: 19, from: Self.holder(1), to: Self.holder(2))
    ])
    let summary = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(summary.block == 39)
    #expect(summary.imports.imported == 19, "every transfer of the new branch")
  }

  /// A `Transfer` of neither shape (here two topics) is skipped and counted in its block,
  /// not refused: refusing would stop every later sync at that block.
  @Test(arguments: [MemoryChain.Fault.twoTopicLog, .dirtyTopic])
  func aTransferOfAnotherShapeIsSkippedAndCounted(fault: MemoryChain.Fault) throws {
    let chain = Self.chain()
    chain.inject([fault])
    let ledger = try ledger()
    let summary = try ledger.sync(asset: "TOK", node: Self.node(chain), options: Self.immediate())
    #expect(summary.imports.skipped[.otherTransferShape] == 1)
    #expect(summary.imports.imported == 62)
  }

  /// A node that limits batches, and answers larger than the client reads: headers are asked
  /// in smaller batches, log ranges halved, and the result is the same.
  @Test func batchLimitsAndAnswerCapsAreWorkedAround() throws {
    let chain = Self.chain()
    chain.limitBatch(3)
    var client = JSONRPCClient(url: "http://127.0.0.1:8545", transport: chain)
    client.backoff = 0
    client.maxAnswerBytes = 16_000
    let ledger = try ledger()
    let summary = try ledger.sync(
      asset: "TOK", node: EthereumNode(client: client), options: Self.immediate())
    #expect(summary.block == 39)
    #expect(summary.imports.imported == 63)
    // The size the node took is remembered: the next step's batches are not refused.
    let refused = chain.refusedBatches
    #expect(refused > 0)
    for _ in 0..<30 { chain.mine([(Self.holder(1), Self.holder(2), 1)]) }
    let next = try ledger.sync(
      asset: "TOK", node: EthereumNode(client: client), options: Self.immediate())
    #expect(next.imports.imported == 30)
    #expect(chain.refusedBatches == refused)
    // Headers too large for the client in one answer are asked in halves too.
    let small = try self.ledger()
    client.maxAnswerBytes = 4_000
    let halved = try small.sync(
      asset: "TOK", node: EthereumNode(client: client), options: Self.immediate())
    #expect(halved.block == 69)
    #expect(try small.summary() == ledger.summary())
  }

  /// A node behind the ledger's position (a lagging backend) has nothing to apply and
  /// nothing to say about the recorded block: the sync waits, it does not fail.
  @Test func aNodeBehindThePositionIsWaitedFor() throws {
    let ledger = try ledger()
    _ = try ledger.sync(asset: "TOK", node: Self.node(Self.chain()), options: Self.immediate())
    let behind = Self.chain()
    behind.reorganize(above: 25)
    let summary = try ledger.sync(
      asset: "TOK", node: Self.node(behind), options: Self.immediate())
    #expect(summary.reorganization == nil)
    #expect(summary.block == 39 && summary.blocks == 0)
  }

  /// A deep reorganisation is reported as soon as it happens, even while no new block is
  /// confirmed.
  @Test func aDeepReorganisationIsReportedWhileNothingNewIsConfirmed() throws {
    let chain = Self.chain()
    let ledger = try ledger()
    var options = SyncOptions()
    options.confirmations = 3
    #expect(try ledger.sync(asset: "TOK", node: Self.node(chain), options: options).block == 36)
    chain.reorganize(above: 30)
    for _ in 0..<9 { chain.mine([], salt: "d") }
    let summary = try ledger.sync(asset: "TOK", node: Self.node(chain), options: options)
    #expect(summary.reorganization?.block == 36)
  }

  /// The position moves only from the one this sync read: a second sync that moved it first
  /// is not overwritten.
  @Test func thePositionMovesOnlyFromTheOneRead() throws {
    let ledger = try ledger()
    let hash = "0x" + String(repeating: "1", count: 64)
    let other = "0x" + String(repeating: "2", count: 64)
    let moves = try ledger.write { journal -> [Bool] in
      let database = journal.database
      return [
        try database.moveChainPosition(
          asset: "TOK", source: "eth-rpc", chainId: 1, from: nil, to: 5, hash: hash),
        try database.moveChainPosition(
          asset: "TOK", source: "eth-rpc", chainId: 1, from: nil, to: 6, hash: other),
        try database.moveChainPosition(
          asset: "TOK", source: "eth-rpc", chainId: 1, from: (4, hash), to: 6, hash: other),
        try database.moveChainPosition(
          asset: "TOK", source: "eth-rpc", chainId: 1, from: (5, hash), to: 6, hash: other),
      ]
    }
    #expect(moves == [true, false, false, true])
    let position = try ledger.read {
      try $0.database.chainPosition(asset: "TOK", source: "eth-rpc")
    }
    #expect(position?.block == 6 && position?.hash == other)
  }

  /// Refused credentials are not retried: the same key is refused again.
  @Test(arguments: [401, 403])
  func refusedCredentialsAreNotRetried(status: Int) throws {
    let chain = Self.chain()
    chain.inject([.status(status)])
    let ledger = try ledger()
    #expect {
      try ledger.sync(asset: "TOK", node: Self.node(chain), options: Self.immediate())
    } throws: { error in
      (error as? ChainError)?.kind == .unreachable
        && (error as? ChainError)?.message.contains("HTTP \(status)") == true
    }
    #expect(chain.requests == 1, "one request, no retry")
  }
}
