/// How `sync` runs (contract, "Following a chain").
public struct SyncOptions: Sendable, Equatable {
  /// The first block to apply when the ledger has no position yet (default 0). With a
  /// position, a block after it is refused (it would leave blocks out); one at or before it
  /// is already behind the ledger and changes nothing.
  public var fromBlock: Int64?
  /// Blocks on top of a block before it is applied (default 12): a block within this window
  /// of the node's head is never applied.
  public var confirmations: Int64 = 12
  /// Stop after this block, even if the chain has more confirmed ones.
  public var untilBlock: Int64?
  /// Blocks asked of `eth_getLogs` at once (halved while the node answers "too many results").
  public var batchBlocks: Int64 = 1000
  /// Refuse a transfer whose sender is short instead of drawing an opening balance from
  /// `@external` (as `import --strict`).
  public var strict = false
  /// How far ahead of this machine's clock a block's time may be (default 900 s) before the
  /// answer is refused as `.malformed`: a time in the future would move the asset's clock
  /// past every later operation.
  public var maxFutureSeconds: Int64 = 900

  /// The defaults.
  public init() {}
}

/// Where a sync stands, handed to its progress callback after each commit.
public struct SyncProgress: Sendable, Equatable {
  /// The last block applied.
  public let block: Int64
  /// The node's newest block when the step began.
  public let head: Int64
  /// Transfers written so far by this run.
  public let transfers: Int
  /// Blocks between the last applied one and the node's head.
  public var blocksBehind: Int64 { head - block }
}

/// A reorganisation deeper than the confirmation window: the block the ledger recorded no
/// longer has the hash it recorded. The sync stopped there and applied nothing more.
public struct Reorganization: Sendable, Equatable {
  /// The block.
  public let block: Int64
  /// The hash the ledger recorded for it.
  public let recorded: String
  /// The hash the chain has for it now.
  public let chain: String
}

/// What a sync did.
public struct SyncSummary: Sendable, Equatable {
  /// The chain's id.
  public var chainId: Int64 = 0
  /// The node's newest block at the last step.
  public var head: Int64 = 0
  /// The last block applied (the ledger's position), nil when it has none.
  public var block: Int64?
  /// That block's hash.
  public var blockHash: String?
  /// Blocks applied by this run.
  public var blocks: Int64 = 0
  /// Transfers written, already present and opening balances drawn, as `import` counts them.
  public var imports = ImportSummary()
  /// Set when the sync stopped on a reorganisation deeper than the window (exit 1).
  public var reorganization: Reorganization?

  /// An empty summary.
  public init() {}

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    var members: [String: JSONValue] = [
      "ok": .bool(reorganization == nil), "chainId": .number(String(chainId)),
      "head": .number(String(head)), "blocks": .number(String(blocks)),
      "block": block.map { .number(String($0)) } ?? .null,
      "blockHash": blockHash.map(JSONValue.string) ?? .null,
    ]
    for (key, value) in imports.jsonObject.objectValue ?? [:] where key != "ok" {
      members[key] = value
    }
    if let reorganization {
      members["reorganization"] = .object([
        "block": .number(String(reorganization.block)),
        "recordedHash": .string(reorganization.recorded),
        "chainHash": .string(reorganization.chain),
      ])
    }
    return .object(members)
  }
}

extension Ledger {
  /// The source kind a position of ``sync(asset:node:options:shouldStop:progress:)`` is kept
  /// under.
  static let ethRPCSource = "eth-rpc"

  /// Follows the `Transfer` logs of `symbol`'s contract through `node` up to the newest block
  /// `options.confirmations` deep (or `options.untilBlock`): each block's transfers are one
  /// commit, with the block's height and time and the ledger's new position (the block and
  /// its hash), keyed `<txhash>:<logIndex>` exactly as `import` keys them, so that a sync and
  /// an import of the same logs agree and nothing is applied twice. Before each step the
  /// step's headers are checked to descend from the position's block: when they do not, the
  /// summary's `reorganization` says so and nothing more is applied. `shouldStop` is asked
  /// between blocks (a signal): the block in hand is finished first. To interrupt a request
  /// or a backoff too, give the node's client an `isStopped` that says the same: the run then
  /// ends with what it had committed.
  ///
  /// Throws ``ChainError`` when the node cannot be reached after the client's retries
  /// (`.unreachable`) or answers what cannot be true (`.malformed`: nothing of that answer is
  /// applied), and ``LedgerError`` for a refused transfer or a ledger that follows another
  /// chain.
  public func sync(
    asset symbol: String, node: EthereumNode, options: SyncOptions = SyncOptions(),
    shouldStop: () -> Bool = { false }, progress: (SyncProgress) -> Void = { _ in }
  ) throws -> SyncSummary {
    let definition = try requireAsset(symbol)
    guard let contract = definition.contract?.lowercased() else {
      throw LedgerError(
        .invalidOperation, "sync: asset \(symbol) has no 'contract' to follow on the chain")
    }
    guard options.confirmations >= 0, options.batchBlocks >= 1 else {
      throw LedgerError(.invalidOperation, "sync: confirmations ≥ 0 and batch blocks ≥ 1")
    }
    var follower = ChainFollower(
      ledger: self, definition: definition, contract: contract, node: node, options: options)
    do {
      try follower.start()
      while !shouldStop() {
        guard try follower.step(shouldStop: shouldStop, progress: progress) else { break }
      }
    } catch let error as ChainError where error.kind == .stopped {
      // Asked to stop during a request: what was committed stays, the step in hand had
      // applied nothing.
    }
    return follower.summary
  }
}
