import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Carries one HTTP POST of a JSON body and returns the status and body. The library speaks
/// JSON-RPC through it; `TokenLedgerHTTP` gives one over URLSession, and a test may give its
/// own.
public protocol HTTPTransport: Sendable {
  /// POSTs `body` (`Content-Type: application/json`) to `url`, waiting at most `timeout`
  /// seconds for the whole answer and reading at most `maxBytes` of it. Throws ``ChainError``
  /// of kind `.unreachable` when no answer came (refused, timed out, reset), `.tooLarge` when
  /// the answer is larger than `maxBytes`, and `.stopped` soon after `isStopped` turns true
  /// (the request is cancelled). A redirect is not followed: its 3xx is the answer.
  func post(
    url: String, body: [UInt8], timeout: Double, maxBytes: Int,
    isStopped: @escaping @Sendable () -> Bool
  ) throws(ChainError) -> (status: Int, body: [UInt8])
}

/// Why talking to a chain failed. `unreachable` is transient and retried before it is
/// thrown (the CLI's exit 3); `malformed` is an answer the ledger refuses to believe (exit 2).
public struct ChainError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure.
  public enum Kind: String, Sendable {
    /// No answer, a timeout, HTTP 429 or 5xx, or a JSON-RPC error, after every retry.
    case unreachable
    /// An answer that is not what was asked or not what a node sends.
    case malformed
    /// The caller asked to stop (a signal) while a request or its backoff was under way;
    /// ``Ledger/sync(asset:node:options:shouldStop:progress:)`` ends its run on it, keeping
    /// what it had committed.
    case stopped
    /// An answer larger than the client's `maxAnswerBytes` (exit 2 when it reaches the CLI;
    /// `eth_getLogs` halves its range on it first).
    case tooLarge
  }

  /// What kind of failure.
  public let kind: Kind
  /// What failed, naming the method and, where one is, the block.
  public let message: String

  /// A failure of `kind`.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// The message.
  public var description: String { message }
}

/// A JSON-RPC 2.0 client over an ``HTTPTransport``: single and batched calls, each retried
/// with bounded exponential backoff when the endpoint cannot be reached, answers with 429 or
/// 5xx, or returns a JSON-RPC error other than the ones the caller handles itself.
public struct JSONRPCClient: Sendable {
  /// An error object a node returned for one call.
  public struct CallError: Sendable, Equatable {
    /// The JSON-RPC error code.
    public let code: Int64
    /// Its message.
    public let message: String
  }

  let transport: any HTTPTransport
  let url: String
  /// The URL as messages show it: no credentials, no path or query (an API key is often in
  /// either).
  public let displayURL: String
  /// Attempts per call, the first included.
  public var attempts = 5
  /// The wait before the second attempt, in seconds; doubled after each, capped at 8.
  public var backoff = 0.25
  /// Seconds to wait for each answer.
  public var timeout = 30.0
  /// The largest answer read, in bytes (default 32 MiB); a larger one is `.tooLarge`. Parsed,
  /// an answer takes several times its size in memory.
  public var maxAnswerBytes = 32 << 20
  /// Called before each retry with the attempt about to be made and why (progress).
  public var onRetry: @Sendable (Int, String) -> Void = { _, _ in }
  /// Asked while a request or a backoff is waiting: true cancels it with `.stopped`.
  public var isStopped: @Sendable () -> Bool = { false }
  /// The largest batch a node that limits batches took, shared by the client's copies.
  let batchLimit = BatchLimit()

  /// Whether the node refused a batch for its size, and the largest it took since.
  final class BatchLimit: Sendable {
    let value = Mutex<(refused: Bool, largest: Int?)>((false, nil))
  }

  /// A client of the endpoint at `url` over `transport`.
  public init(url: String, transport: any HTTPTransport) {
    self.url = url
    self.transport = transport
    self.displayURL = Self.redacted(url)
  }

  /// `url` as messages show it: its scheme, host and port only (`https://host:port/…`), never
  /// a user, password, path or query, where an API key often is. A URL whose host cannot be
  /// told for certain (no `scheme://`, an `@` after the authority, a host with characters a
  /// host name cannot have) is shown as `<endpoint>`.
  public static func redacted(_ url: String) -> String {
    guard let separator = url.range(of: "://") else { return "<endpoint>" }
    let scheme = url[..<separator.lowerBound].lowercased()
    guard scheme == "http" || scheme == "https" else { return "<endpoint>" }
    let rest = url[separator.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let afterAuthority = rest.dropFirst(authority.count)
    guard !afterAuthority.contains("@"), !authority.contains("\\") else { return "<endpoint>" }
    let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
    guard isHostAndPort(hostAndPort) else { return "<endpoint>" }
    let hidden = !afterAuthority.isEmpty || authority.contains("@")
    return scheme + "://" + hostAndPort + (hidden ? "/…" : "")
  }

  /// A DNS name or IPv4 address, or an IPv6 literal in brackets, with an optional port.
  private static func isHostAndPort(_ text: Substring) -> Bool {
    var host = text
    var port: Substring = ""
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { return false }
      let literal = text[text.index(after: text.startIndex)..<close]
      guard !literal.isEmpty, literal.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
      else { return false }
      host = ""
      let tail = text[text.index(after: close)...]
      if !tail.isEmpty {
        guard tail.hasPrefix(":") else { return false }
        port = tail.dropFirst()
        guard !port.isEmpty else { return false }
      }
    } else if let colon = text.lastIndex(of: ":") {
      host = text[..<colon]
      port = text[text.index(after: colon)...]
      guard !port.isEmpty else { return false }
    }
    guard port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
    guard text.hasPrefix("[") || !host.isEmpty else { return false }
    return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
  }

  /// Calls `method`: its `result`, or the node's error object when `handled` says the caller
  /// deals with it (for example "too many results"); any other error object is retried.
  public func call(
    _ method: String, _ params: [JSONValue], handled: (CallError) -> Bool = { _ in false }
  ) throws(ChainError) -> Result<JSONValue, CallErrorBox> {
    try batch([(method, params)], handled: handled)[0]
  }

  /// Calls each of `calls` in one HTTP request (a JSON-RPC batch); answers in the calls' order.
  public func batch(
    _ calls: [(method: String, params: [JSONValue])], handled: (CallError) -> Bool = { _ in false }
  ) throws(ChainError) -> [Result<JSONValue, CallErrorBox>] {
    precondition(!calls.isEmpty, "a batch has at least one call")
    if let largest = batchLimit.value.withLock({ $0.largest }), calls.count > largest {
      return try halves(calls, handled: handled)
    }
    let request = calls.enumerated().map { index, call in
      JSONValue.object([
        "jsonrpc": .string("2.0"), "id": .number(String(index)), "method": .string(call.method),
        "params": .array(call.params),
      ])
    }
    let body = Array(CanonicalJSON.encode(calls.count == 1 ? request[0] : .array(request)).utf8)
    let what = calls.count == 1 ? calls[0].method : "a batch of \(calls.count) \(calls[0].method)"
    var wait = backoff
    var lastProblem = ""
    for attempt in 1...max(1, attempts) {
      if attempt > 1 {
        onRetry(attempt, lastProblem)
        try pause(seconds: min(wait, 8), during: what)
        wait *= 2
      }
      let answer: [UInt8]
      switch try postOnce(body, what: what) {
      case .answer(let bytes): answer = bytes
      case .retry(let problem):
        lastProblem = problem
        continue
      }
      let results: [Result<JSONValue, CallErrorBox>]
      do {
        results = try decode(answer, count: calls.count, what: what)
      } catch {
        // A node that limits batches (geth's BatchRequestLimit) answers one error for the
        // whole batch, or answers part of it: the batch is asked again in halves, and later
        // batches start at the largest size it took. A rate limit said so is waited out.
        guard calls.count > 1, let refusal = Self.batchRefusal(answer, count: calls.count)
        else { throw error }
        if EthereumNode.isRateLimit(refusal.lowercased()) {
          lastProblem = "batch refused: \(refusal.truncatedForMessage)"
          continue
        }
        batchLimit.value.withLock { $0.refused = true }
        return try halves(calls, handled: handled)
      }
      if calls.count > 1 {
        batchLimit.value.withLock { limit in
          if limit.refused, calls.count > (limit.largest ?? 0) { limit.largest = calls.count }
        }
      }
      var unhandled: CallError?
      for case .failure(let box) in results where !handled(box.error) {
        unhandled = box.error
        break
      }
      if let problem = unhandled {
        lastProblem = "JSON-RPC error \(problem.code): \(problem.message.truncatedForMessage)"
        continue
      }
      return results
    }
    throw ChainError(
      .unreachable, "\(what) at \(displayURL): \(lastProblem) (after \(max(1, attempts)) attempts)")
  }

  /// What one POST gave: an answer of HTTP 200, or a problem worth trying again.
  private enum Attempt {
    case answer([UInt8])
    case retry(String)
  }

  /// One POST of `body`: a transport that cannot reach the endpoint, a rate limit or a
  /// server's error are tried again; refused credentials, an answer past the cap or any other
  /// status are thrown.
  private func postOnce(_ body: [UInt8], what: String) throws(ChainError) -> Attempt {
    let status: Int
    let answer: [UInt8]
    do {
      (status, answer) = try transport.post(
        url: url, body: body, timeout: timeout, maxBytes: maxAnswerBytes, isStopped: isStopped)
    } catch  where error.kind == .unreachable {
      return .retry(error.message)
    } catch  where error.kind == .tooLarge {
      throw ChainError(.tooLarge, "\(what) at \(displayURL): \(error.message)")
    }
    if status == 429 || status == 408 || (500...599).contains(status) {
      return .retry("HTTP \(status)")
    }
    if status == 401 || status == 403 {
      throw ChainError(
        .unreachable,
        "\(what) at \(displayURL): HTTP \(status), the endpoint refuses these credentials")
    }
    guard status == 200 else {
      throw ChainError(.malformed, "\(what) at \(displayURL): HTTP \(status)")
    }
    return .answer(answer)
  }

  /// `calls` in smaller batches: of the largest size the node took since it refused one, or
  /// halves.
  private func halves(
    _ calls: [(method: String, params: [JSONValue])], handled: (CallError) -> Bool
  ) throws(ChainError) -> [Result<JSONValue, CallErrorBox>] {
    let largest = batchLimit.value.withLock { $0.largest }
    let size = max(1, min(largest ?? calls.count / 2, calls.count / 2))
    var results: [Result<JSONValue, CallErrorBox>] = []
    for start in stride(from: 0, to: calls.count, by: size) {
      results += try batch(Array(calls[start..<min(calls.count, start + size)]), handled: handled)
    }
    return results
  }

  /// The node's words when a batch's answer refuses its size: one error object, or an array
  /// of fewer answers than calls, each an error; nil for any other answer.
  static func batchRefusal(_ answer: [UInt8], count: Int) -> String? {
    func message(_ item: JSONValue?) -> String {
      item?.objectValue?["error"]?.objectValue?["message"]?.stringValue ?? ""
    }
    guard let document = try? JSONParser.parse(answer) else { return nil }
    switch document {
    case .object(let object) where object["error"] != nil: return message(document)
    case .array(let items)
    where items.count < count
      && items.allSatisfy({ $0.objectValue?["error"] != nil && $0.objectValue?["result"] == nil }):
      return message(items.first)
    default: return nil
    }
  }

  /// Waits `seconds` between attempts, in slices, ending early with `.stopped`.
  func pause(seconds: Double, during what: String) throws(ChainError) {
    var left = seconds
    while left > 0 {
      if isStopped() { throw ChainError(.stopped, "\(what): stopped while waiting to retry") }
      usleep(UInt32(min(left, 0.1) * 1_000_000))
      left -= 0.1
    }
    if isStopped() { throw ChainError(.stopped, "\(what): stopped while waiting to retry") }
  }

  private func decode(_ answer: [UInt8], count: Int, what: String) throws(ChainError) -> [Result<
    JSONValue, CallErrorBox
  >] {
    func fail(_ reason: String) -> ChainError {
      ChainError(.malformed, "\(what) at \(displayURL): \(reason)")
    }
    let document: JSONValue
    do {
      document = try JSONParser.parse(answer)
    } catch {
      throw fail("the answer is not JSON (\(error))")
    }
    let items: [JSONValue]
    switch document {
    case .array(let array) where count > 1: items = array
    case .object where count == 1: items = [document]
    default: throw fail("the answer is not a JSON-RPC response")
    }
    var results: [Result<JSONValue, CallErrorBox>?] = Array(repeating: nil, count: count)
    for item in items {
      guard let object = item.objectValue, case .number(let idText)? = object["id"],
        let id = Int(idText), (0..<count).contains(id), results[id] == nil
      else { throw fail("an answer has a missing, unknown or repeated id") }
      if let error = object["error"]?.objectValue {
        guard case .number(let codeText)? = error["code"], let code = Int64(codeText) else {
          throw fail("an error object has no integer code")
        }
        results[id] = .failure(
          CallErrorBox(CallError(code: code, message: error["message"]?.stringValue ?? "")))
      } else if let result = object["result"] {
        results[id] = .success(result)
      } else {
        throw fail("an answer has neither result nor error")
      }
    }
    guard results.allSatisfy({ $0 != nil }) else { throw fail("a call of the batch has no answer") }
    return results.map { $0! }
  }

  /// A ``CallError`` as an `Error`, for `Result`.
  public struct CallErrorBox: Error, Sendable, Equatable {
    /// The node's error object.
    public let error: CallError
    init(_ error: CallError) { self.error = error }
  }
}

extension ChainError: CategorizedError {
  /// An answer refused (`malformed`, `tooLarge`) is rejected; no answer, or a stop, is I/O.
  public var category: ErrorCategory {
    switch kind {
    case .malformed, .tooLarge: .rejected
    case .unreachable, .stopped: .io
    }
  }
  /// An endpoint that did not answer may answer later.
  public var isTransient: Bool { kind == .unreachable }
}
