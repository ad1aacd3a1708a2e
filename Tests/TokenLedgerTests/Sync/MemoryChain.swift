import Crypto
import Synchronization

@testable import TokenLedger

/// A chain kept in memory that answers the four JSON-RPC calls `sync` makes, as a node would
/// (hex quantities, batches), with faults a test can script. The sync's scenarios run against
/// a real EVM in `tokenledgerTests/SyncCommandTests`; this one keeps the library's own logic
/// tested where Python's EVM is not installed.
final class MemoryChain: HTTPTransport {
  struct Block {
    var hash: String
    var parentHash: String
    var time: Int64
    var logs: [[String: JSONValue]]
  }

  enum Fault {
    /// No answer (connection refused).
    case unreachable
    /// This HTTP status.
    case status(Int)
    /// A log of another contract in the next eth_getLogs answer.
    case foreignLog
    /// A log of a block outside the range asked.
    case logOutsideRange
    /// The next eth_getLogs answer's logs in reverse order.
    case reversedLogs
    /// The next eth_getLogs answer's first log twice.
    case duplicateLog
    /// The next eth_getLogs answer's first log without its blockHash.
    case noBlockHash
    /// The next eth_getLogs answers -32005 with a rate limit's words.
    case rateLimited
    /// The next eth_getBlockByNumber batch answers null for every block.
    case nullBlocks
    /// Right after answering the next eth_getLogs, the chain above `above` is replaced by
    /// `blocks` new empty ones (a reorganisation between the sync's two reads).
    case reorganizeAfterLogs(above: Int, blocks: Int)
    /// As `reorganizeAfterLogs`, each new block holding one transfer (holder, holder, 1).
    case reorganizeWithTransfersAfterLogs(above: Int, blocks: Int, from: String, to: String)
    /// The next eth_getLogs answer's first log with two topics only.
    case twoTopicLog
    /// The next eth_getLogs answer's first log with a sender topic that is not an address.
    case dirtyTopic
  }

  /// The faults that wait for a call of `method`.
  private static func waits(_ fault: Fault, for method: String?) -> Bool {
    switch fault {
    case .unreachable, .status: true
    case .nullBlocks: method == "eth_getBlockByNumber"
    default: method == "eth_getLogs"
    }
  }

  private struct State {
    var blocks: [Block] = []
    var faults: [Fault] = []
    var requests = 0
    /// eth_getLogs over more blocks than this answers -32005.
    var maxLogRange: Int64 = .max
    /// A batch of more calls than this is answered with one error, as geth's limit does.
    var maxBatch = Int.max
    var refusedBatches = 0
    /// How many eth_getLogs were asked, and how many refused for their range.
    var logRequests = 0
    var rangeRefusals = 0
  }

  private let state = Mutex(State())
  static let contract = "0x00000000000000000000000000000000000000fe"
  static let chainId: Int64 = 31337

  init(blocks: Int) {
    state.withLock { state in
      for _ in 0..<blocks { Self.mine(&state, salt: "a") }
    }
  }

  var requests: Int { state.withLock { $0.requests } }
  var rangeRefusals: Int { state.withLock { $0.rangeRefusals } }
  var logRequests: Int { state.withLock { $0.logRequests } }
  var refusedBatches: Int { state.withLock { $0.refusedBatches } }
  var head: Int64 { state.withLock { Int64($0.blocks.count - 1) } }

  func inject(_ faults: [Fault]) { state.withLock { $0.faults += faults } }
  func limitLogRange(_ blocks: Int64) { state.withLock { $0.maxLogRange = blocks } }
  func limitBatch(_ calls: Int) { state.withLock { $0.maxBatch = calls } }

  /// Mines a block holding `transfers` (from, to, base units), after the others, dated 12 s
  /// after its parent unless `time` is given.
  func mine(_ transfers: [(String, String, UInt128)] = [], salt: String = "a", time: Int64? = nil) {
    state.withLock { state in
      Self.mine(&state, salt: salt)
      let number = state.blocks.count - 1
      if let time { state.blocks[number].time = time }
      for (index, (from, to, value)) in transfers.enumerated() {
        state.blocks[number].logs.append(
          Self.log(
            block: number, hash: state.blocks[number].hash, index: index, from: from, to: to,
            value: value))
      }
    }
  }

  /// Drops every block above `height` (a reorganisation; mine again to build the new branch).
  func reorganize(above height: Int) {
    state.withLock { $0.blocks.removeLast($0.blocks.count - height - 1) }
  }

  /// Every log of the chain as `import --kind eth-logs` reads them (with `timeStamp`).
  func logsFile() -> String {
    let logs = state.withLock { state in
      state.blocks.flatMap { block in
        block.logs.map { log in
          var log = log
          log["timeStamp"] = .string(EthereumNode.hex(block.time))
          return JSONValue.object(log)
        }
      }
    }
    return CanonicalJSON.encode(.array(logs))
  }

  private static func mine(_ state: inout State, salt: String) {
    let number = state.blocks.count
    let parent = state.blocks.last?.hash ?? "0x" + String(repeating: "0", count: 64)
    let hash = HashChain.hex(Array("\(salt):\(number):\(parent)".utf8).sha256)
    let time = (state.blocks.last?.time ?? 1_700_000_000 - 12) + 12
    state.blocks.append(Block(hash: "0x" + hash, parentHash: parent, time: time, logs: []))
  }

  private static func word(_ text: String) -> String {
    "0x" + String(repeating: "0", count: 64 - text.count) + text
  }

  static func log(block: Int, hash: String, index: Int, from: String, to: String, value: UInt128)
    -> [String: JSONValue]
  {
    let transaction = "0x" + HashChain.hex(Array("tx:\(block):\(index)".utf8).sha256)
    return [
      "address": .string(contract),
      "topics": .array([
        .string(TransferReader.transferTopic), .string(word(String(from.dropFirst(2)))),
        .string(word(String(to.dropFirst(2)))),
      ]),
      "data": .string(word(String(value, radix: 16))),
      "blockNumber": .string(EthereumNode.hex(Int64(block))), "blockHash": .string(hash),
      "transactionHash": .string(transaction), "logIndex": .string(EthereumNode.hex(Int64(index))),
      "transactionIndex": .string(EthereumNode.hex(Int64(index))), "removed": .bool(false),
    ]
  }

  func post(
    url: String, body: [UInt8], timeout: Double, maxBytes: Int,
    isStopped: @escaping @Sendable () -> Bool
  ) throws(ChainError) -> (status: Int, body: [UInt8]) {
    let request = try! JSONParser.parse(body)
    return try state.withLock { state throws(ChainError) in
      state.requests += 1
      var fault: Fault?
      let method =
        request.objectValue?["method"]?.stringValue
        ?? request.arrayValue?.first?.objectValue?["method"]?.stringValue
      if let first = state.faults.first, Self.waits(first, for: method) {
        fault = state.faults.removeFirst()
      }
      switch fault {
      case .unreachable?: throw ChainError(.unreachable, "connection refused")
      case .status(let code)?: return (code, Array("busy".utf8))
      default: break
      }
      let answer: JSONValue
      if case .array(let calls) = request, calls.count > state.maxBatch {
        state.refusedBatches += 1
        let error = JSONValue.object([
          "jsonrpc": .string("2.0"), "id": .null,
          "error": .object([
            "code": .number("-32600"), "message": .string("batch too large"),
          ]),
        ])
        return (200, Array(CanonicalJSON.encode(error).utf8))
      }
      if case .array(let calls) = request {
        answer = .array(calls.map { Self.answer($0, &state, fault) })
      } else {
        answer = Self.answer(request, &state, fault)
      }
      switch fault {
      case .reorganizeAfterLogs(let height, let count)?:
        state.blocks.removeLast(state.blocks.count - height - 1)
        for _ in 0..<count { Self.mine(&state, salt: "moved") }
      case .reorganizeWithTransfersAfterLogs(let height, let count, let from, let to)?:
        state.blocks.removeLast(state.blocks.count - height - 1)
        for _ in 0..<count {
          Self.mine(&state, salt: "moved")
          let number = state.blocks.count - 1
          state.blocks[number].logs.append(
            Self.log(
              block: number, hash: state.blocks[number].hash, index: 0, from: from, to: to,
              value: 1))
        }
      default: break
      }
      let bytes = Array(CanonicalJSON.encode(answer).utf8)
      if bytes.count > maxBytes {
        throw ChainError(.tooLarge, "larger than \(maxBytes) bytes")
      }
      return (200, bytes)
    }
  }

  private static func answer(_ call: JSONValue, _ state: inout State, _ fault: Fault?)
    -> JSONValue
  {
    let object = call.objectValue!
    let id = object["id"]!
    let params = object["params"]?.arrayValue ?? []
    func quantity(_ value: JSONValue?) -> Int64 {
      Int64(String(value!.stringValue!.dropFirst(2)), radix: 16)!
    }
    func result(_ value: JSONValue) -> JSONValue {
      .object(["jsonrpc": .string("2.0"), "id": id, "result": value])
    }
    switch object["method"]?.stringValue {
    case "eth_chainId": return result(.string(EthereumNode.hex(chainId)))
    case "eth_blockNumber": return result(.string(EthereumNode.hex(Int64(state.blocks.count - 1))))
    case "eth_getBlockByNumber":
      let number = Int(quantity(params[0]))
      if case .nullBlocks? = fault { return result(.null) }
      guard number < state.blocks.count else { return result(.null) }
      let block = state.blocks[number]
      return result(
        .object([
          "number": .string(EthereumNode.hex(Int64(number))), "hash": .string(block.hash),
          "parentHash": .string(block.parentHash),
          "timestamp": .string(EthereumNode.hex(block.time)),
        ]))
    case "eth_getLogs":
      state.logRequests += 1
      let filter = params[0].objectValue!
      let from = quantity(filter["fromBlock"])
      let to = min(quantity(filter["toBlock"]), Int64(state.blocks.count - 1))
      if case .rateLimited? = fault {
        return .object([
          "jsonrpc": .string("2.0"), "id": id,
          "error": .object([
            "code": .number("-32005"), "message": .string("project ID request rate exceeded"),
          ]),
        ])
      }
      if to - from + 1 > state.maxLogRange {
        state.rangeRefusals += 1
        return .object([
          "jsonrpc": .string("2.0"), "id": id,
          "error": .object([
            "code": .number("-32005"), "message": .string("query returned more than 10000 results"),
          ]),
        ])
      }
      var logs = from <= to ? state.blocks[Int(from)...Int(to)].flatMap(\.logs) : []
      if case .foreignLog? = fault, !logs.isEmpty {
        logs[0]["address"] = .string("0x" + String(repeating: "ab", count: 20))
      }
      if case .logOutsideRange? = fault, !logs.isEmpty {
        logs[0]["blockNumber"] = .string(EthereumNode.hex(to + 5))
      }
      if case .reversedLogs? = fault { logs.reverse() }
      if case .duplicateLog? = fault, !logs.isEmpty { logs.append(logs[0]) }
      if case .noBlockHash? = fault, !logs.isEmpty { logs[0]["blockHash"] = nil }
      if case .dirtyTopic? = fault, !logs.isEmpty {
        logs[0]["topics"] = .array([
          logs[0]["topics"]!.arrayValue![0], .string("0x" + String(repeating: "f", count: 64)),
          logs[0]["topics"]!.arrayValue![2],
        ])
      }
      if case .twoTopicLog? = fault, !logs.isEmpty {
        logs[0]["topics"] = .array(Array(logs[0]["topics"]!.arrayValue!.prefix(2)))
      }
      return result(.array(logs.map(JSONValue.object)))
    default:
      return .object([
        "jsonrpc": .string("2.0"), "id": id,
        "error": .object(["code": .number("-32601"), "message": .string("no such method")]),
      ])
    }
  }
}

extension Array where Element == UInt8 {
  var sha256: [UInt8] { Array(SHA256.hash(data: self)) }
}
