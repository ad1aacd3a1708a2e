import Foundation
import Testing
import TokenLedger
import TokenLedgerHTTP

/// A local Ethereum chain (`tools/evm-chain/chain.py`: py-evm through eth-tester, an ERC-20
/// compiled with Vyper) serving JSON-RPC on loopback, started for one test and stopped after.
final class EVMChain {
  /// The Python of the virtual environment that has the chain's packages: `.ci/run` makes
  /// `.venv-evm` (or `TOKENLEDGER_EVM_PYTHON` names one).
  static let python: String? = {
    let named = ProcessInfo.processInfo.environment["TOKENLEDGER_EVM_PYTHON"]
    let candidate = named ?? CLI.repository + "/.venv-evm/bin/python"
    return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
  }()
  static let skipReason: Comment =
    "no EVM: python3 -m venv .venv-evm && .venv-evm/bin/pip install -r tools/evm-chain/requirements.txt (as .ci/run does)"

  let process = Process()
  let url: String
  let client: JSONRPCClient
  let token: String

  init() throws {
    let directory = try CLI.temporaryDirectory()
    let portFile = directory + "/url"
    process.executableURL = URL(fileURLWithPath: Self.python!)
    process.arguments = [CLI.repository + "/tools/evm-chain/chain.py", "--port-file", portFile]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle(forWritingAtPath: "/dev/stderr")
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: portFile) {
      guard Date() < deadline, process.isRunning else {
        process.terminate()
        throw CocoaError(.fileNoSuchFile, userInfo: ["reason": "the EVM chain did not start"])
      }
      usleep(100_000)
    }
    url = try String(contentsOfFile: portFile, encoding: .utf8)
    var client = JSONRPCClient(url: url, transport: URLSessionTransport())
    client.attempts = 1
    self.client = client
    token = try client.call("harness_token", []).get().stringValue!
  }

  deinit {
    // SIGKILL: a child of the test process starts with SIGTERM blocked (Foundation's Process
    // keeps the parent's signal mask), and the chain needs no clean shutdown.
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Calls one of the harness's methods (or a standard one); its result.
  @discardableResult
  func rpc(_ method: String, _ params: [JSONValue] = []) throws -> JSONValue {
    try client.call(method, params).get()
  }

  func transfers(_ count: Int, perBlock: Int, seed: Int) throws {
    try rpc("harness_transfers", [.number("\(count)"), .number("\(perBlock)"), .number("\(seed)")])
  }

  func mine(_ blocks: Int) throws { try rpc("harness_mine", [.number("\(blocks)")]) }

  func fault(_ kind: String, _ count: Int = 1) throws {
    try rpc("harness_fault", [.string(kind), .number("\(count)")])
  }

  /// A ledger at `db` with asset TOK, the chain's token.
  func ledger(_ db: String) throws {
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    let asset =
      #"{"op":"defineAsset","symbol":"TOK","decimals":18,"addressScheme":"evm","contract":"\#(token)"}"#
    #expect(try CLI.run(["apply", "--db", db, "-"], stdin: asset + "\n").exitCode == 0)
  }

  /// The head hash and state digest of `db` after every block the chain has, as an
  /// `import --kind eth-logs` of the chain's own log dump writes them.
  func imported(in directory: String, upTo confirmations: Int) throws -> String {
    let logs = directory + "/logs.json"
    try rpc("harness_dump", [.string(logs)])
    let db = directory + "/imported-\(UUID().uuidString).sqlite"
    try ledger(db)
    // The dump has every block; a sync stops `confirmations` short of the head.
    let head = try Int(
      String(rpc("eth_blockNumber").stringValue!.dropFirst(2)), radix: 16)!
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: logs)))
    let kept = (data as! [[String: Any]]).filter {
      Int(String(($0["blockNumber"] as! String).dropFirst(2)), radix: 16)! <= head - confirmations
    }
    try JSONSerialization.data(withJSONObject: kept).write(to: URL(fileURLWithPath: logs))
    let result = try CLI.run(["import", "--db", db, "--kind", "eth-logs", logs, "--asset", "TOK"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    return try SyncCommandTests.state(db)
  }
}

/// `tokenledger sync --kind eth-rpc` against a real EVM: the same entries as `import` of the
/// same logs, a resumed sync after a kill, a shallow reorganisation the window absorbs and a
/// deep one that stops the sync, and the faults an endpoint can have.
@Suite(.enabled(if: EVMChain.python != nil, EVMChain.skipReason))
struct SyncCommandTests {
  /// `entries head state` of the ledger at `db`, from its audit.
  static func state(_ db: String) throws -> String {
    let audit = try CLI.run(["audit", "--db", db, "--format", "json"])
    #expect(audit.exitCode == 0, "\(audit.stderr)")
    let json = try CLI.json(audit.stdout)
    return "\(json["entries"]!) \(json["headHash"]!) \(json["stateDigest"]!)"
  }

  /// The block of the ledger's position, read with the sqlite3 shell while a sync runs.
  static func position(_ db: String) -> Int? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [db, "SELECT block FROM chain_positions"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// `tokenledger arguments` started in the background, with its standard error.
  static func background(_ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.binary)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return (process, errors)
  }

  func sync(_ chain: EVMChain, _ db: String, _ extra: [String] = []) throws -> CLI.Result {
    try CLI.run(
      ["sync", "--db", db, "--kind", "eth-rpc", "--url", chain.url, "--asset", "TOK"] + extra)
  }

  @Test func aFreshSyncEqualsAnImportOfTheSameLogsAndARerunAppliesNothing() throws {
    let chain = try EVMChain()
    let directory = try CLI.temporaryDirectory()
    try chain.transfers(120, perBlock: 7, seed: 1)
    try chain.rpc("harness_burn", [.number("3"), .number("5000")])
    try chain.rpc(
      "harness_mint", [.string("0x" + String(repeating: "12", count: 20)), .number("77")])
    try chain.mine(4)
    let db = directory + "/synced.sqlite"
    try chain.ledger(db)
    let synced = try sync(
      chain, db, ["--confirmations", "3", "--batch-blocks", "5", "--format", "json"])
    #expect(synced.exitCode == 0, "\(synced.stderr)")
    let summary = try CLI.json(synced.stdout)
    // 10 funding mints, 120 transfers, a burn and a mint.
    #expect(summary["imported"] as? Int == 132)
    #expect(try Self.state(db) == chain.imported(in: directory, upTo: 3))
    let again = try sync(chain, db, ["--confirmations", "3", "--format", "json"])
    #expect(try CLI.json(again.stdout)["imported"] as? Int == 0)
    #expect(try Self.state(db) == chain.imported(in: directory, upTo: 3))
    // Into a ledger that imported the logs already: every transfer is already present.
    let both = directory + "/both.sqlite"
    try chain.ledger(both)
    try chain.rpc("harness_dump", [.string(directory + "/all.json")])
    #expect(
      try CLI.run([
        "import", "--db", both, "--kind", "eth-logs", directory + "/all.json", "--asset", "TOK",
      ]).exitCode == 0)
    let over = try sync(chain, both, ["--confirmations", "0", "--format", "json"])
    #expect(
      try CLI.json(over.stdout)["alreadyPresent"] as? Int == 132, "\(over.stdout) \(over.stderr)")
  }

  @Test func aKilledSyncResumesWithNothingLostOrDoubledAndSIGTERMStopsCleanly() throws {
    let chain = try EVMChain()
    let directory = try CLI.temporaryDirectory()
    try chain.transfers(300, perBlock: 3, seed: 2)
    let db = directory + "/killed.sqlite"
    try chain.ledger(db)
    let arguments = [
      "sync", "--db", db, "--kind", "eth-rpc", "--url", chain.url, "--asset", "TOK",
      "--confirmations", "0", "--batch-blocks", "1",
    ]
    let (killed, _) = try Self.background(arguments)
    // Killed once it has committed some blocks, in the middle of the run.
    let deadline = Date().addingTimeInterval(60)
    while Self.position(db) == nil && Date() < deadline { usleep(20_000) }
    kill(killed.processIdentifier, SIGKILL)
    killed.waitUntilExit()
    let left = try #require(Self.position(db), "the killed sync committed a block")
    let resumed = try CLI.run(arguments + ["--format", "json"])
    #expect(resumed.exitCode == 0, "\(resumed.stderr)")
    let finished = try CLI.json(resumed.stdout)
    #expect((finished["block"] as! Int) > left, "the kill came before the end")
    #expect(try Self.state(db) == chain.imported(in: directory, upTo: 0))
    // --follow: SIGTERM ends it after the block in hand, exit 0, the position kept.
    try chain.transfers(30, perBlock: 1, seed: 3)
    let (follower, errors) = try Self.background(arguments + ["--follow", "--interval", "0.2"])
    usleep(1_500_000)
    kill(follower.processIdentifier, SIGTERM)
    follower.waitUntilExit()
    #expect(follower.terminationReason == .exit && follower.terminationStatus == 0)
    let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(said.contains("stopped by a signal after block"), "\(said)")
    #expect(try sync(chain, db, ["--confirmations", "0"]).exitCode == 0)
    #expect(try Self.state(db) == chain.imported(in: directory, upTo: 0))
    // --follow from a block not yet mined: every pass waits for it, none starts at block 0.
    let later = directory + "/later.sqlite"
    try chain.ledger(later)
    let (waiting, _) = try Self.background(
      ["sync", "--db", later, "--kind", "eth-rpc", "--url", chain.url, "--asset", "TOK"]
        + ["--confirmations", "0", "--from-block", "100000", "--follow", "--interval", "0.1"])
    usleep(1_500_000)
    kill(waiting.processIdentifier, SIGTERM)
    waiting.waitUntilExit()
    #expect(waiting.terminationStatus == 0)
    #expect(Self.position(later) == nil, "nothing applied before block 100000")
  }

  @Test func aShallowReorganisationIsAbsorbedAndADeepOneStopsTheSync() throws {
    let chain = try EVMChain()
    let directory = try CLI.temporaryDirectory()
    try chain.transfers(40, perBlock: 2, seed: 4)
    let db = directory + "/reorg.sqlite"
    try chain.ledger(db)
    #expect(try sync(chain, db, ["--confirmations", "6"]).exitCode == 0)
    // Replaced blocks all inside the window: the ledger never applied them.
    try chain.rpc("harness_reorg", [.number("5"), .number("7")])
    #expect(try sync(chain, db, ["--confirmations", "6"]).exitCode == 0)
    #expect(try Self.state(db) == chain.imported(in: directory, upTo: 6))
    // Deeper than the window: stop, name the block and both hashes, apply nothing.
    let before = try Self.state(db)
    try chain.rpc("harness_reorg", [.number("10"), .number("11")])
    let deep = try sync(chain, db, ["--confirmations", "6", "--format", "json"])
    #expect(deep.exitCode == 1)
    let reorganization = try #require(try CLI.json(deep.stdout)["reorganization"] as? [String: Any])
    let recorded = try #require(reorganization["recordedHash"] as? String)
    let now = try #require(reorganization["chainHash"] as? String)
    #expect(recorded != now)
    #expect(deep.stderr.contains(recorded) && deep.stderr.contains(now))
    #expect(deep.stderr.contains("block \(reorganization["block"]!)"))
    #expect(try Self.state(db) == before)
  }

  @Test func transientFaultsAreRetriedThenExit3AndLiesAreRefusedWithExit2() throws {
    let chain = try EVMChain()
    let directory = try CLI.temporaryDirectory()
    try chain.transfers(20, perBlock: 2, seed: 5)
    let db = directory + "/faults.sqlite"
    try chain.ledger(db)
    let before = try Self.state(db)
    for lie in ["foreignLog", "outsideRange", "badHex", "wrongBlock"] {
      try chain.fault(lie)
      let refused = try sync(chain, db, ["--confirmations", "0"])
      #expect(refused.exitCode == 2, "\(lie): \(refused.stderr)")
      #expect(try Self.state(db) == before, "\(lie): nothing applied")
    }
    // Retried: a dropped connection, 503, 429, a JSON-RPC error, "too many results".
    for kind in ["drop", "http503", "http429", "rpcError"] { try chain.fault(kind) }
    try chain.fault("tooMany", 3)
    let retried = try sync(chain, db, ["--confirmations", "0", "--attempts", "6"])
    #expect(retried.stderr.contains("attempt 5"), "four failures in a row, then an answer")
    #expect(retried.exitCode == 0, "\(retried.stderr)")
    #expect(try Self.state(db) == chain.imported(in: directory, upTo: 0))
    // Never answering: exit 3 naming the cause, without the URL's credentials or path.
    try chain.fault("http503", 2)
    let secret =
      chain.url.replacingOccurrences(of: "http://", with: "http://user:hunter2@")
      + "/apikey-123"
    let down = try CLI.run([
      "sync", "--db", db, "--kind", "eth-rpc", "--url", secret, "--asset", "TOK", "--attempts",
      "2",
    ])
    #expect(down.exitCode == 3)
    #expect(down.stderr.contains("HTTP 503") && down.stderr.contains("2 attempts"))
    #expect(!down.stderr.contains("hunter2") && !down.stderr.contains("apikey-123"))
    try chain.fault("stall", 1)
    let slow = try sync(chain, db, ["--timeout", "1", "--attempts", "1"])
    #expect(slow.exitCode == 3 && slow.stderr.contains("timed out"), "\(slow.stderr)")
    let refused = try CLI.run([
      "sync", "--db", db, "--kind", "eth-rpc", "--url", "http://127.0.0.1:9", "--asset", "TOK",
      "--attempts", "1",
    ])
    #expect(refused.exitCode == 3)
  }
}

/// What `sync` refuses before it reaches a node (no EVM needed).
@Suite struct SyncOptionTests {
  @Test(arguments: [
    ["--timeout", "1e18"], ["--timeout", "inf"], ["--interval", "86401"], ["--timeout", "0"],
    ["--from-block", "10", "--until-block", "5"],
  ])
  func optionsThatCannotWorkAreRefused(options: [String]) throws {
    let result = try CLI.run(
      ["sync", "--db", "/nonexistent/l.sqlite", "--kind", "eth-rpc", "--url", "http://127.0.0.1:1"]
        + ["--asset", "TOK"] + options)
    #expect(result.exitCode == 2, "\(result.stderr)")
    #expect(result.stderr.contains("--"), "names the option: \(result.stderr)")
  }
}
