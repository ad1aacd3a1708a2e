import ArgumentParser
import Dispatch
import Synchronization
import TokenLedger
import TokenLedgerHTTP

#if canImport(Glibc)
  import Glibc
#endif

struct Sync: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Follow an ERC-20's Transfer logs from an Ethereum node, block by confirmed block.",
    discussion: """
      Applies each block at least --confirmations deep in one commit with its height, time \
      and the ledger's new position (block and hash), ids <txhash>:<logIndex> as import \
      writes them: a second run resumes, a re-run applies nothing twice. A reorganisation \
      deeper than the window stops with exit 1 naming the block and both hashes; an \
      endpoint that cannot be reached after the retries is exit 3; an answer that cannot be \
      true (a log of another contract or outside the range, a wrong block, malformed hex) is \
      exit 2, nothing of it applied. --follow polls until SIGINT or SIGTERM, which stop after \
      the block in hand. Credentials, paths and queries of --url never appear in messages.

      Examples:
        tokenledger sync --kind eth-rpc --url http://127.0.0.1:8545 --asset FET --from-block 0
        tokenledger sync --kind eth-rpc --url https://node.example/KEY --asset FET --follow
      """)

  enum Kind: String, ExpressibleByArgument {
    case ethRPC = "eth-rpc"
  }

  @OptionGroup var global: GlobalOptions

  @Option(help: "The source kind (eth-rpc).")
  var kind: Kind

  @Option(help: "The JSON-RPC endpoint (http or https).")
  var url: String

  @Option(help: "The asset whose contract is followed (required when the ledger has several).")
  var asset: String?

  @Option(help: "The first block, when the ledger has no position yet (default 0).")
  var fromBlock: Int64?

  @Option(help: "Blocks on top of a block before it is applied.")
  var confirmations: Int64 = 12

  @Option(help: "Stop after this block.")
  var untilBlock: Int64?

  @Option(help: "Blocks asked of eth_getLogs at once (halved on 'too many results').")
  var batchBlocks: Int64 = 1000

  @Flag(help: "Reject a transfer whose sender is short instead of drawing from @external.")
  var strict = false

  @Flag(help: "Keep following: poll for new confirmed blocks until SIGINT or SIGTERM.")
  var follow = false

  @Option(help: "--follow: seconds between polls.")
  var interval: Double = 12

  @Option(help: "Attempts per request before giving up (exit 3).")
  var attempts = 5

  @Option(help: "Seconds to wait for each answer.")
  var timeout: Double = 30

  func validate() throws {
    if confirmations < 0 { throw ValidationError("--confirmations must be 0 or more") }
    if batchBlocks < 1 { throw ValidationError("--batch-blocks must be 1 or more") }
    if attempts < 1 { throw ValidationError("--attempts must be 1 or more") }
    if !(timeout > 0 && timeout <= 86_400) || !(interval > 0 && interval <= 86_400) {
      throw ValidationError("--timeout and --interval must be more than 0 and at most 86400 s")
    }
    if let fromBlock, fromBlock < 0 { throw ValidationError("--from-block must be 0 or more") }
    if let untilBlock, untilBlock < 0 { throw ValidationError("--until-block must be 0 or more") }
    if let untilBlock, let fromBlock, untilBlock < fromBlock {
      throw ValidationError("--until-block \(untilBlock) is before --from-block \(fromBlock)")
    }
  }

  func run() throws {
    try runReporting(global.format, "sync") {
      let ledger = try global.openExisting()
      let symbol = try resolveAsset(ledger, asset)
      var client = JSONRPCClient(url: url, transport: URLSessionTransport(timeout: timeout))
      client.attempts = attempts
      client.timeout = timeout
      client.onRetry = { attempt, why in Progress.note("sync: \(why); attempt \(attempt)") }
      let stop = StopSignal()
      client.isStopped = stop.check
      var options = SyncOptions()
      options.fromBlock = fromBlock
      options.confirmations = confirmations
      options.untilBlock = untilBlock
      options.batchBlocks = batchBlocks
      options.strict = strict
      let meter = Progress.Meter("sync", unit: "blocks")
      var total = SyncSummary()
      var first = true
      while true {
        let summary = try ledger.sync(
          asset: symbol, node: EthereumNode(client: client), options: options,
          shouldStop: stop.requested
        ) { step in meter.update(Int(step.block)) }
        total = first ? summary : Self.merged(total, summary)
        first = false
        // --from-block stays for every pass: until a block is applied there is no position,
        // and a pass without one must not start at block 0.
        if stop.requested() {
          Progress.note(
            "sync: stopped by a signal after block \(summary.block.map(String.init) ?? "none")")
        }
        if !follow || stop.requested() || summary.reorganization != nil { break }
        if let until = untilBlock, (summary.block ?? -1) >= until { break }
        stop.sleep(seconds: interval)
        if stop.requested() { break }
      }
      meter.finish()
      Output.committedNote = "the sync was committed up to its position; only this report was lost"
      report(total)
      return total.reorganization == nil ? 0 : 1
    }
  }

  /// Two runs of a follow loop as one summary.
  static func merged(_ earlier: SyncSummary, _ later: SyncSummary) -> SyncSummary {
    var merged = later
    merged.blocks += earlier.blocks
    merged.imports.imported += earlier.imports.imported
    merged.imports.alreadyPresent += earlier.imports.alreadyPresent
    merged.imports.openingBalances += earlier.imports.openingBalances
    merged.imports.skipped.merge(earlier.imports.skipped, uniquingKeysWith: +)
    return merged
  }

  private func report(_ summary: SyncSummary) {
    if let reorganization = summary.reorganization {
      Output.error(
        "sync: block \(reorganization.block) was reorganised deeper than \(confirmations) confirmations: the ledger recorded \(reorganization.recorded), the chain has \(reorganization.chain); nothing applied after it"
      )
    }
    if global.format == .json { return Output.json(summary.jsonObject) }
    let position = summary.block.map { "block \($0) (\(summary.blockHash ?? ""))" } ?? "none"
    Output.line(
      "chain \(summary.chainId), head \(summary.head): applied \(summary.blocks) blocks, imported \(summary.imports.imported), already present \(summary.imports.alreadyPresent), opening balances \(summary.imports.openingBalances); position \(position)"
    )
    for (reason, count) in summary.imports.skipped.sorted(by: { $0.key < $1.key }) {
      Output.line("skipped \(count): \(reason.rawValue)")
    }
  }
}

/// SIGINT and SIGTERM as a request to stop after the block in hand, not a kill. The first
/// one asks; a second one kills as it would without us (the default action is restored).
final class StopSignal {
  /// Set by the signal handlers, on Dispatch's queue; read by the sync between blocks.
  private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
  }

  private let flag = Flag()
  private let sources: [any DispatchSourceSignal]

  init() {
    var sources: [any DispatchSourceSignal] = []
    // A parent may start us with them blocked (Foundation's Process keeps its own mask).
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    sigaddset(&unblocked, SIGINT)
    sigaddset(&unblocked, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      sources.append(source)
    }
    self.sources = sources
    for source in sources {
      source.setEventHandler { [flag] in
        flag.value.store(true, ordering: .relaxed)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
      }
      source.resume()
    }
  }

  func requested() -> Bool { flag.value.load(ordering: .relaxed) }

  /// ``requested()`` for another thread (the HTTP client's wait).
  var check: @Sendable () -> Bool { { [flag] in flag.value.load(ordering: .relaxed) } }

  /// Sleeps up to `seconds`, waking early when a stop is asked.
  func sleep(seconds: Double) {
    var left = seconds
    while left > 0, !requested() {
      usleep(UInt32(min(left, 0.2) * 1_000_000))
      left -= 0.2
    }
  }
}
