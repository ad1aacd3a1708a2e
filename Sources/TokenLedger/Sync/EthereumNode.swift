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
  public func blocks(_ numbers: [Int64]) throws(ChainError) -> [ChainBlock] {
    guard !numbers.isEmpty else { return [] }
    let answers = try client.batch(
      numbers.map { ("eth_getBlockByNumber", [.string(Self.hex($0)), .bool(false)]) })
    var blocks: [ChainBlock] = []
    blocks.reserveCapacity(numbers.count)
    for (number, answer) in zip(numbers, answers) {
      let what = "eth_getBlockByNumber(\(number))"
      guard case .success(let value) = answer, let object = value.objectValue else {
        throw ChainError(.malformed, "\(what): the node has no such block")
      }
      let asked = try quantity(object["number"], what + ".number")
      guard asked == number else {
        throw ChainError(.malformed, "\(what): the node answered with block \(asked)")
      }
      blocks.append(
        ChainBlock(
          number: number, hash: try hash(object["hash"], what + ".hash"),
          parentHash: try hash(object["parentHash"], what + ".parentHash"),
          time: try quantity(object["timestamp"], what + ".timestamp")))
    }
    return blocks
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
      let answer = try client.call(
        "eth_getLogs",
        [
          .object([
            "fromBlock": .string(Self.hex(next.lowerBound)),
            "toBlock": .string(Self.hex(next.upperBound)), "address": .string(contract),
            "topics": .array([.string(TransferReader.transferTopic)]),
          ])
        ], handled: Self.isTooManyResults)
      switch answer {
      case .failure(let box):
        guard next.lowerBound < next.upperBound else {
          throw ChainError(
            .unreachable,
            "eth_getLogs of block \(next.lowerBound) alone: \(box.error.message.prefix(200))")
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

  /// How nodes say a log query is too large: geth's and Erigon's -32005, Infura's and
  /// Alchemy's messages.
  static func isTooManyResults(_ error: JSONRPCClient.CallError) -> Bool {
    let message = error.message.lowercased()
    return error.code == -32005 || message.contains("more than") || message.contains("too many")
      || message.contains("exceed") || message.contains("range is too large")
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
