/// A block header as the ledger uses it: its number, hash, parent's hash and time.
public struct ChainBlock: Sendable, Equatable {
  /// The block's number (height).
  public let number: Int64
  /// Its hash, `0x` and 64 lower-case hex digits.
  public let hash: String
  /// Its parent's hash.
  public let parentHash: String
  /// Its timestamp, Unix seconds.
  public let time: Int64
}

/// The calls `sync` makes of an Ethereum JSON-RPC endpoint (`eth_chainId`, `eth_blockNumber`,
/// `eth_getBlockByNumber`, `eth_getLogs`), each answer checked to be what was asked before
/// anything is believed: a wrong block number, a malformed hash or quantity, or a log of
/// another contract or outside the range asked is ``ChainError`` `.malformed`.
public struct EthereumNode: Sendable {
  /// The client the calls go through.
  public let client: JSONRPCClient

  /// A node reached through `client`.
  public init(client: JSONRPCClient) { self.client = client }

  /// The chain's id (EIP-155).
  public func chainId() throws(ChainError) -> Int64 {
    try quantity(try result("eth_chainId", []), "eth_chainId")
  }

  /// The number of the newest block.
  public func blockNumber() throws(ChainError) -> Int64 {
    try quantity(try result("eth_blockNumber", []), "eth_blockNumber")
  }

  /// The headers of `numbers`, in one batched request; each is checked to be the one asked.
  /// A block the node does not have yet (a `null` answer, as from a node behind the one that
  /// gave the head) is asked again with the client's backoff, then `.unreachable`.
  public func blocks(_ numbers: [Int64]) throws(ChainError) -> [ChainBlock] {
    guard !numbers.isEmpty else { return [] }
    var found: [Int64: ChainBlock] = [:]
    var missing = numbers
    for attempt in 1...max(1, client.attempts) {
      if attempt > 1 {
        client.onRetry(attempt, "the node has no block \(missing[0]) yet")
        try client.pause(
          seconds: min(client.backoff * Double(1 << min(attempt - 2, 5)), 8),
          during: "eth_getBlockByNumber(\(missing[0]))")
      }
      let answers = try headerAnswers(missing)
      var still: [Int64] = []
      for (number, answer) in zip(missing, answers) {
        guard case .success(let value) = answer, let object = value.objectValue else {
          still.append(number)
          continue
        }
        found[number] = try header(object, number)
      }
      missing = still
      if missing.isEmpty { return numbers.map { found[$0]! } }
    }
    throw ChainError(
      .unreachable,
      "eth_getBlockByNumber(\(missing[0])) at \(client.displayURL): the node has no such block (after \(max(1, client.attempts)) attempts)"
    )
  }

  /// The answers for `numbers`' headers, asked in halves while an answer is larger than the
  /// client reads (blocks of many transactions: their hashes come with the header).
  private func headerAnswers(_ numbers: [Int64]) throws(ChainError) -> [Result<
    JSONValue, JSONRPCClient.CallErrorBox
  >] {
    do {
      return try client.batch(
        numbers.map { ("eth_getBlockByNumber", [.string(Self.hex($0)), .bool(false)]) })
    } catch  where error.kind == .tooLarge && numbers.count > 1 {
      let half = numbers.count / 2
      return try headerAnswers(Array(numbers[..<half])) + headerAnswers(Array(numbers[half...]))
    }
  }

  private func header(_ object: [String: JSONValue], _ number: Int64) throws(ChainError)
    -> ChainBlock
  {
    let what = "eth_getBlockByNumber(\(number))"
    let asked = try quantity(object["number"], what + ".number")
    guard asked == number else {
      throw ChainError(.malformed, "\(what): the node answered with block \(asked)")
    }
    return ChainBlock(
      number: number, hash: try hash(object["hash"], what + ".hash"),
      parentHash: try hash(object["parentHash"], what + ".parentHash"),
      time: try quantity(object["timestamp"], what + ".timestamp"))
  }

  /// The `Transfer` logs of `contract` in blocks `range`, fetched in ranges that halve while
  /// the node answers that there are too many results, each log checked to be of `contract`
  /// and inside the range asked. Logs are returned as the node sent them, in order.
  public func transferLogs(contract: String, in range: ClosedRange<Int64>) throws(ChainError)
    -> [[String: JSONValue]]
  {
    var logs: [[String: JSONValue]] = []
    var pending = [range]
    while let next = pending.popLast() {
      let answer: Result<JSONValue, JSONRPCClient.CallErrorBox>
      do {
        answer = try client.call(
          "eth_getLogs",
          [
            .object([
              "fromBlock": .string(Self.hex(next.lowerBound)),
              "toBlock": .string(Self.hex(next.upperBound)), "address": .string(contract),
              "topics": .array([.string(TransferReader.transferTopic)]),
            ])
          ], handled: Self.isTooManyResults)
      } catch  where error.kind == .tooLarge && next.lowerBound < next.upperBound {
        // Larger than the client reads: as "too many results".
        let middle = next.lowerBound + (next.upperBound - next.lowerBound) / 2
        pending.append(middle + 1...next.upperBound)
        pending.append(next.lowerBound...middle)
        continue
      }
      switch answer {
      case .failure(let box):
        guard next.lowerBound < next.upperBound else {
          throw ChainError(
            .unreachable,
            "eth_getLogs of block \(next.lowerBound) alone: \(box.error.message.truncatedForMessage)"
          )
        }
        let middle = next.lowerBound + (next.upperBound - next.lowerBound) / 2
        pending.append(middle + 1...next.upperBound)
        pending.append(next.lowerBound...middle)
      case .success(let value):
        guard let items = value.arrayValue else {
          throw ChainError(.malformed, "eth_getLogs: the result is not an array")
        }
        for (index, item) in items.enumerated() {
          let what = "eth_getLogs(\(next.lowerBound)...\(next.upperBound)) log \(index)"
          guard let log = item.objectValue else {
            throw ChainError(.malformed, "\(what) is not an object")
          }
          guard log["address"]?.stringValue?.lowercased() == contract else {
            throw ChainError(
              .malformed,
              "\(what) is of contract \(log["address"]?.stringValue?.truncatedForMessage ?? "none"), not \(contract)"
            )
          }
          let block = try quantity(log["blockNumber"], what + ".blockNumber")
          guard next.contains(block) else {
            throw ChainError(.malformed, "\(what) is in block \(block), outside the range asked")
          }
          logs.append(log)
        }
      }
    }
    return logs
  }

  /// How nodes say a log query would give too many results or span too many blocks
  /// (geth's and Erigon's, Infura's, Alchemy's and QuickNode's words), as opposed to a rate
  /// limit, which shares geth's code -32005 and is retried with backoff instead of halving the
  /// range: the code alone decides nothing.
  static func isTooManyResults(_ error: JSONRPCClient.CallError) -> Bool {
    let message = error.message.lowercased()
    if isRateLimit(message) { return false }
    let tooLarge = [
      "more than", "too many results", "too many logs", "range is too large", "range too large",
      "block range", "limited to", "exceed max results", "response size", "query timeout",
    ]
    return tooLarge.contains(where: message.contains)
  }

  /// Whether a node's words (lower-cased) say it limits the rate of requests.
  static func isRateLimit(_ message: String) -> Bool {
    ["rate", "too many requests", "capacity", "throughput", "per second"].contains(
      where: message.contains)
  }

  private func result(_ method: String, _ params: [JSONValue]) throws(ChainError) -> JSONValue {
    guard case .success(let value) = try client.call(method, params) else {
      preconditionFailure("errors not handled by the caller are retried, then thrown")
    }
    return value
  }

  static func hex(_ value: Int64) -> String { "0x" + String(value, radix: 16) }

  private func quantity(_ value: JSONValue?, _ what: String) throws(ChainError) -> Int64 {
    guard let text = value?.stringValue, text.hasPrefix("0x"), text.utf8.count > 2,
      text.utf8.count <= 18, case .some(.some(let parsed)) = EthHex.uint(text),
      parsed <= UInt128(Limits.heightMax)
    else {
      throw ChainError(
        .malformed,
        "\(what) is not a hex quantity: \(value.map { CanonicalJSON.encode($0) }?.truncatedForMessage ?? "missing")"
      )
    }
    return Int64(parsed)
  }

  private func hash(_ value: JSONValue?, _ what: String) throws(ChainError) -> String {
    guard let text = value?.stringValue, EthHex.isHash(text) else {
      throw ChainError(.malformed, "\(what) is not a 32-byte hex hash")
    }
    return text.lowercased()
  }
}
