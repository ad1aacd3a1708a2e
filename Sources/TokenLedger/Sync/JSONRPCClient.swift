#if canImport(Glibc)
  import Glibc
#endif

/// Carries one HTTP POST of a JSON body and returns the status and body. The library speaks
/// JSON-RPC through it; `TokenLedgerHTTP` gives one over URLSession, and a test may give its
/// own.
public protocol HTTPTransport: Sendable {
  /// POSTs `body` (`Content-Type: application/json`) to `url`, waiting at most `timeout`
  /// seconds. Throws ``ChainError`` of kind `.unreachable` when no answer came (refused,
  /// timed out, reset): the client retries those.
  func post(url: String, body: [UInt8], timeout: Double) throws(ChainError) -> (
    status: Int, body: [UInt8]
  )
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
  /// Called before each retry with the attempt about to be made and why (progress).
  public var onRetry: @Sendable (Int, String) -> Void = { _, _ in }

  /// A client of the endpoint at `url` over `transport`.
  public init(url: String, transport: any HTTPTransport) {
    self.url = url
    self.transport = transport
    self.displayURL = Self.redacted(url)
  }

  /// `url` with any user and password, path and query left out: `https://host:port/…`.
  public static func redacted(_ url: String) -> String {
    guard let scheme = url.range(of: "://") else { return "<endpoint>" }
    let rest = url[scheme.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
    let hidden = authority.count < rest.count || authority.contains("@")
    return String(url[..<scheme.upperBound]) + host + (hidden ? "/…" : "")
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
        usleep(UInt32(min(wait, 8) * 1_000_000))
        wait *= 2
      }
      let status: Int
      let answer: [UInt8]
      do {
        (status, answer) = try transport.post(url: url, body: body, timeout: timeout)
      } catch {
        lastProblem = error.message
        continue
      }
      if status == 429 || (500...599).contains(status) {
        lastProblem = "HTTP \(status)"
        continue
      }
      guard status == 200 else {
        throw ChainError(.malformed, "\(what) at \(displayURL): HTTP \(status)")
      }
      let results = try decode(answer, count: calls.count, what: what)
      var unhandled: CallError?
      for case .failure(let box) in results where !handled(box.error) {
        unhandled = box.error
        break
      }
      if let problem = unhandled {
        lastProblem = "JSON-RPC error \(problem.code): \(problem.message.prefix(200))"
        continue
      }
      return results
    }
    throw ChainError(
      .unreachable, "\(what) at \(displayURL): \(lastProblem) (after \(max(1, attempts)) attempts)")
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
