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
    summary.chainId = try node.chainId()
    let stored = try ledger.read {
      try $0.database.chainPosition(asset: symbol, source: Ledger.ethRPCSource)
    }
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
    summary.block = stored.block
    summary.blockHash = stored.hash
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
  mutating func step(shouldStop: () -> Bool, progress: (SyncProgress) -> Void) throws -> Bool {
    if let until = options.untilBlock, next > until { return false }
    let head = try node.blockNumber()
    summary.head = head
    let confirmed = head - options.confirmations
    let target = min(confirmed, options.untilBlock ?? confirmed)
    guard next <= target else { return false }
    if let position {
      let current = try node.blocks([position.block])[0]
      guard current.hash == position.hash else {
        summary.reorganization = Reorganization(
          block: position.block, recorded: position.hash, chain: current.hash)
        return false
      }
    }
    // No overflow for any batch size: target - next + 1 is at least 1 and at most the head.
    let end = next + min(options.batchBlocks, target - next + 1) - 1
    let (transfers, claimedHashes) = try decode(
      try node.transferLogs(contract: contract, in: next...end))
    var numbers = transfers.keys.sorted()
    if numbers.last != end { numbers.append(end) }
    var headers: [ChainBlock] = []
    for start in stride(from: 0, to: numbers.count, by: 500) {
      headers += try node.blocks(Array(numbers[start..<min(numbers.count, start + 500)]))
    }
    for header in headers {
      if let claimed = claimedHashes[header.number], claimed != header.hash {
        throw ChainError(
          .malformed,
          "eth_getLogs gave block \(header.number) hash \(claimed), eth_getBlockByNumber \(header.hash)"
        )
      }
    }
    if let position, headers[0].number == position.block + 1,
      headers[0].parentHash != position.hash
    {
      summary.reorganization = Reorganization(
        block: position.block, recorded: position.hash, chain: headers[0].parentHash)
      return false
    }
    // Every block a commit of its own; only the step's last (or the one a stop ends on)
    // waits for the disk, and makes the others durable with it. The setting changes twice a
    // step, not once a block.
    var relaxed = false
    defer { if relaxed { try? ledger.withConnection { try $0.relaxCommits(false) } } }
    for (index, header) in headers.enumerated() {
      let last = index == headers.count - 1 || shouldStop()
      if relaxed == last {
        try ledger.withConnection { try $0.relaxCommits(!last) }
        relaxed = !last
      }
      try apply(header, transfers[header.number] ?? [])
      progress(SyncProgress(block: header.number, head: head, transfers: summary.imports.imported))
      if last && index < headers.count - 1 { return false }
    }
    return true
  }

  /// Decodes a range's logs: transfers by block (in the node's order) and the block hash each
  /// log names. A log that cannot be a confirmed `Transfer` is `.malformed`.
  private mutating func decode(_ logs: [[String: JSONValue]]) throws(ChainError) -> (
    [Int64: [TransferRecord]], [Int64: String]
  ) {
    var transfers: [Int64: [TransferRecord]] = [:]
    var hashes: [Int64: String] = [:]
    var seen: Set<String> = []
    for log in logs {
      let block = log["blockNumber"]?.stringValue ?? "?"
      let location = "eth_getLogs block \(block) log \(log["logIndex"]?.stringValue ?? "?")"
      let outcome: TransferReader.LogOutcome
      do {
        outcome = try reader.decodeLog(log, contract: contract, location: location)
      } catch {
        throw ChainError(.malformed, "\(error.location): \(error.reason)")
      }
      switch outcome {
      case .skip(.removed):
        throw ChainError(.malformed, "\(location) is marked removed in a confirmed block")
      case .skip(let reason):
        summary.imports.skipped[reason, default: 0] += 1
      case .transfer(let record):
        guard let number = record.block, seen.insert(record.id).inserted else {
          throw ChainError(.malformed, "\(location) has no block number or is sent twice")
        }
        if let claimed = log["blockHash"]?.stringValue {
          guard EthHex.isHash(claimed), hashes[number].map({ $0 == claimed.lowercased() }) ?? true
          else {
            throw ChainError(.malformed, "\(location): blockHash is malformed or differs")
          }
          hashes[number] = claimed.lowercased()
        }
        transfers[number, default: []].append(record)
      }
    }
    return (transfers, hashes)
  }

  /// One block's transfers and the ledger's new position, in one commit.
  private mutating func apply(_ header: ChainBlock, _ records: [TransferRecord]) throws {
    var imports = summary.imports
    try ledger.write { journal in
      for record in records {
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
      try journal.database.setChainPosition(
        asset: symbol, source: Ledger.ethRPCSource, chainId: summary.chainId,
        block: header.number, hash: header.hash)
    }
    summary.imports = imports
    summary.blocks += header.number - (position?.block ?? (next - 1))
    position = (header.number, header.hash)
    summary.block = header.number
    summary.blockHash = header.hash
    next = header.number + 1
  }
}
