#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The state of one `sync` run: where the ledger stands on the chain and what it did, one
/// step (a range of confirmed blocks) at a time. ``Ledger/sync(asset:node:options:shouldStop:progress:)``
/// drives it.
struct ChainFollower {
  let ledger: Ledger
  let definition: AssetDefinition
  let contract: String
  let node: EthereumNode
  let options: SyncOptions
  let reader: TransferReader
  var summary = SyncSummary()
  /// The last block applied and its hash, as recorded in the ledger.
  var position: (block: Int64, hash: String)?
  /// The next block to apply.
  var next: Int64 = 0
  /// Reads in a row of one range whose logs and headers disagreed.
  var unsettled = 0

  init(
    ledger: Ledger, definition: AssetDefinition, contract: String, node: EthereumNode,
    options: SyncOptions
  ) {
    self.ledger = ledger
    self.definition = definition
    self.contract = contract
    self.node = node
    self.options = options
    reader = TransferReader(kind: .ethLogs, path: "", asset: definition)
  }

  var symbol: String { definition.symbol }

  /// Reads the chain's id and the ledger's position, and refuses a ledger that follows this
  /// asset on another chain or a `fromBlock` that would leave blocks out.
  mutating func start() throws {
    let stored = try ledger.read {
      try $0.database.chainPosition(asset: symbol, source: Ledger.ethRPCSource)
    }
    if let stored {
      summary.block = stored.block
      summary.blockHash = stored.hash
    }
    summary.chainId = try node.chainId()
    guard let stored else {
      next = options.fromBlock ?? 0
      return
    }
    guard stored.chainId == summary.chainId else {
      throw LedgerError(
        .invalidOperation,
        "sync: the ledger follows \(symbol) on chain \(stored.chainId), but \(node.client.displayURL) is chain \(summary.chainId)"
      )
    }
    position = (stored.block, stored.hash)
    next = stored.block + 1
    if let from = options.fromBlock, from > next {
      throw LedgerError(
        .invalidOperation,
        "sync: --from-block \(from) would leave blocks \(next)…\(from - 1) of \(symbol) out: the ledger is at block \(stored.block)"
      )
    }
  }

  /// Applies the next range of confirmed blocks, one commit per block. False when there is
  /// nothing to do now: caught up with the confirmed head, past `untilBlock`, asked to stop,
  /// or stopped by a reorganisation (in `summary`).
  ///
  /// Everything the step will apply is read and checked before the first commit: the logs
  /// first, then the recorded block's header, which must still have its hash, and every
  /// header of the range, which must link to it and to each other by `parentHash` (so logs
  /// read before a reorganisation cannot pass), carry the hash each log names, and have times
  /// that never go back and are not ahead of the wall clock by more than `maxFutureSeconds`.
  mutating func step(shouldStop: () -> Bool, progress: (SyncProgress) -> Void) throws -> Bool {
    let head = try node.blockNumber()
    summary.head = head
    let confirmed = head - options.confirmations
    let target = min(confirmed, options.untilBlock ?? confirmed)
    guard next <= target else {
      try checkPosition(head: head)
      return false
    }
    // No overflow for any batch size: target - next + 1 is at least 1 and at most the head.
    let end = next + min(options.batchBlocks, Self.blocksPerStepMax, target - next + 1) - 1
    switch try read(next...end) {
    case .reorganized(let reorganization):
      summary.reorganization = reorganization
      return false
    case .unsettled(let why):
      // The chain moved under the step: read the range again, a bounded number of times.
      unsettled += 1
      guard unsettled < Self.unsettledLimit else {
        throw ChainError(.malformed, "\(why) \(unsettled) times in a row")
      }
      return true
    case .ready(let headers, let blocks):
      unsettled = 0
      return try commit(headers, blocks, head: head, shouldStop: shouldStop, progress: progress)
    }
  }

  /// Nothing new to apply: the recorded block is still checked, so that a deep
  /// reorganisation is reported when it happens, not when the next block is confirmed. A
  /// node behind the position (a lagging backend) has nothing to say about it yet.
  private mutating func checkPosition(head: Int64) throws {
    if let position, position.block <= head,
      let current = try node.blocks([position.block]).first, current.hash != position.hash
    {
      summary.reorganization = Reorganization(
        block: position.block, recorded: position.hash, chain: current.hash)
    }
  }

  /// What reading a range gave: a reorganisation below it, a chain that moved between the
  /// reads, or headers and logs that agree.
  enum RangeRead {
    case reorganized(Reorganization)
    case unsettled(String)
    case ready([ChainBlock], [Int64: BlockLogs])
  }

  /// Reads and checks `range` whole: the end's header, the logs, then the recorded block's
  /// header and every header of the range. The end's hash before and after the logs being
  /// the same means the same chain up to it in both reads, including blocks whose logs the
  /// first branch did not have.
  private func read(_ range: ClosedRange<Int64>) throws -> RangeRead {
    let endBefore = try node.blocks([range.upperBound])[0]
    let logs = try node.transferLogs(contract: contract, in: range)
    var headers: [ChainBlock] = []
    var first = position?.block ?? range.lowerBound
    while first <= range.upperBound {
      let last = first + min(Self.headersPerRequest, range.upperBound - first + 1) - 1
      headers += try node.blocks(Array(first...last))
      first = last + 1
    }
    var anchor: ChainBlock?
    if let position {
      let current = headers.removeFirst()
      guard current.hash == position.hash else {
        return .reorganized(
          Reorganization(block: position.block, recorded: position.hash, chain: current.hash))
      }
      anchor = current
    }
    try check(headers, after: anchor)
    guard headers.last?.hash == endBefore.hash else {
      return .unsettled(
        "block \(range.upperBound) changed its hash between reads (\(endBefore.hash), then \(headers.last?.hash ?? "none"))"
      )
    }
    guard let blocks = try decode(logs, hashes: headers) else {
      return .unsettled(
        "eth_getLogs and eth_getBlockByNumber disagree on the hashes of blocks \(range.lowerBound)…\(range.upperBound)"
      )
    }
    return .ready(headers, blocks)
  }

  /// Every block a commit of its own; only the step's last (or the one a stop ends on) waits
  /// for the disk, and makes the others durable with it. The setting changes twice a step,
  /// not once a block. False when a stop ended the step early.
  private mutating func commit(
    _ headers: [ChainBlock], _ blocks: [Int64: BlockLogs], head: Int64,
    shouldStop: () -> Bool, progress: (SyncProgress) -> Void
  ) throws -> Bool {
    var relaxed = false
    defer { if relaxed { try? ledger.withConnection { try $0.relaxCommits(false) } } }
    for (index, header) in headers.enumerated() {
      let last = index == headers.count - 1 || shouldStop()
      if relaxed == last {
        try ledger.withConnection { try $0.relaxCommits(!last) }
        relaxed = !last
      }
      try apply(header, blocks[header.number] ?? BlockLogs())
      progress(SyncProgress(block: header.number, head: head, transfers: summary.imports.imported))
      if last && index < headers.count - 1 { return false }
    }
    return true
  }

  /// Headers asked in one batched request.
  static let headersPerRequest: Int64 = 500
  /// Blocks of one step at most, whatever `batchBlocks` says: a step holds its headers in
  /// memory until its first commit.
  static let blocksPerStepMax: Int64 = 100_000
  /// Reads of one range whose logs and headers disagree before the sync gives up.
  static let unsettledLimit = 3

  /// The range's headers against the recorded block's (`anchor`) and each other: `.malformed`
  /// when they do not form one chain or a time cannot be true (before its parent's, or ahead
  /// of this machine's clock by more than `maxFutureSeconds`, which would move the asset's
  /// clock past every later operation).
  private func check(_ headers: [ChainBlock], after anchor: ChainBlock?) throws(ChainError) {
    let latest = Int64(time(nil)) + options.maxFutureSeconds
    var parent = anchor
    for header in headers {
      if let parent, header.parentHash != parent.hash {
        throw ChainError(
          .malformed,
          "block \(header.number) names parent \(header.parentHash), but block \(parent.number) is \(parent.hash): the node's headers are not one chain"
        )
      }
      let early = parent.map { header.time < $0.time } ?? false
      guard !early, header.time <= latest else {
        let bound =
          early
          ? "before its parent's \(UTCTime.format(parent!.time))"
          : "more than \(options.maxFutureSeconds) s ahead of this machine's clock"
        throw ChainError(
          .malformed,
          "block \(header.number) is dated \(UTCTime.format(header.time)), \(bound): nothing of blocks \(headers[0].number)…\(headers[headers.count - 1].number) applied"
        )
      }
      parent = header
    }
  }

  /// One block's transfers, in log order, and the logs skipped in it.
  struct BlockLogs {
    var transfers: [TransferRecord] = []
    var skipped: [SkipReason: Int] = [:]
  }

  /// Decodes a range's logs by block, each block's in `logIndex` order. A log that cannot be
  /// a confirmed `Transfer` of the contract, names no block hash or a block's index twice is
  /// `.malformed`; nil when a log names a hash other than its block's header (the chain moved
  /// between the two reads).
  private func decode(_ logs: [[String: JSONValue]], hashes headers: [ChainBlock]) throws
    -> [Int64: BlockLogs]?
  {
    var hashes: [Int64: String] = [:]
    for header in headers { hashes[header.number] = header.hash }
    var indexed: [Int64: [(index: Int64, outcome: TransferReader.LogOutcome)]] = [:]
    var ids: Set<String> = []
    for log in logs {
      let block = log["blockNumber"]?.stringValue?.truncatedForMessage ?? "?"
      let location =
        "eth_getLogs block \(block) log \(log["logIndex"]?.stringValue?.truncatedForMessage ?? "?")"
      let outcome: TransferReader.LogOutcome
      let number: Int64
      let logIndex: Int64
      do {
        outcome = try reader.decodeLog(
          log, contract: contract, location: location, skippingOtherShapes: true)
        guard let parsedBlock = try EthHex.quantity(log["blockNumber"], location, "blockNumber"),
          let parsedIndex = try EthHex.quantity(log["logIndex"], location, "logIndex")
        else { throw ChainError(.malformed, "\(location) has no blockNumber or logIndex") }
        (number, logIndex) = (parsedBlock, parsedIndex)
      } catch let error as SourceError {
        throw ChainError(.malformed, "\(error.location): \(error.reason)")
      }
      guard let expected = hashes[number] else {
        throw ChainError(.malformed, "\(location) is outside the range asked")
      }
      guard let claimed = log["blockHash"]?.stringValue, EthHex.isHash(claimed) else {
        throw ChainError(.malformed, "\(location) has no 32-byte hex blockHash")
      }
      guard claimed.lowercased() == expected else { return nil }
      switch outcome {
      case .skip(.removed):
        throw ChainError(.malformed, "\(location) is marked removed in a confirmed block")
      case .skip(.notTransferEvent), .skip(.otherContract):
        throw ChainError(.malformed, "\(location) is not a Transfer of \(contract), as asked")
      case .transfer(let record):
        guard ids.insert(record.id).inserted else {
          throw ChainError(.malformed, "\(location): transfer \(record.id) is sent twice")
        }
      case .skip: break
      }
      indexed[number, default: []].append((logIndex, outcome))
    }
    var blocks: [Int64: BlockLogs] = [:]
    for (number, entries) in indexed {
      let ordered = entries.sorted { $0.index < $1.index }
      var logs = BlockLogs()
      for (position, entry) in ordered.enumerated() {
        if position > 0, ordered[position - 1].index == entry.index {
          throw ChainError(
            .malformed, "eth_getLogs gave log \(entry.index) of block \(number) twice")
        }
        switch entry.outcome {
        case .transfer(let record): logs.transfers.append(record)
        case .skip(let reason): logs.skipped[reason, default: 0] += 1
        }
      }
      blocks[number] = logs
    }
    return blocks
  }

  /// One block's transfers and the ledger's new position, in one commit.
  private mutating func apply(_ header: ChainBlock, _ logs: BlockLogs) throws {
    var imports = summary.imports
    try ledger.write { journal in
      for record in logs.transfers {
        let dated = TransferRecord(
          id: record.id, from: record.from, to: record.to, amount: record.amount,
          block: header.number, time: header.time)
        do {
          try ledger.importOne(
            dated, definition, strict: options.strict, journal: journal, summary: &imports)
        } catch let error as LedgerError {
          throw error.located("sync \(record.id)")
        }
      }
      let recorded = position.map { (block: $0.block, hash: $0.hash) }
      guard
        try journal.database.moveChainPosition(
          asset: symbol, source: Ledger.ethRPCSource, chainId: summary.chainId, from: recorded,
          to: header.number, hash: header.hash)
      else {
        throw LedgerError(
          .invalidOperation,
          "sync: another sync moved the \(symbol) position while this one applied block \(header.number); nothing of it applied"
        )
      }
    }
    imports.skipped.merge(logs.skipped, uniquingKeysWith: +)
    summary.imports = imports
    summary.blocks += header.number - (position?.block ?? (next - 1))
    position = (header.number, header.hash)
    summary.block = header.number
    summary.blockHash = header.hash
    next = header.number + 1
  }
}
