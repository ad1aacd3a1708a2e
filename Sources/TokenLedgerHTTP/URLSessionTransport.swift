import Dispatch
import Foundation
import TokenLedger

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// ``HTTPTransport`` over Foundation's URLSession (libcurl on Linux): TLS verified against
/// the system's certificate authorities by default, HTTP keep-alive, one request at a time.
/// Chosen over AsyncHTTPClient because it ships with the toolchain (no SwiftNIO to build) and
/// the library is synchronous; docs/decisions.md has the measurement.
///
/// Each request has one deadline for the whole answer (a node that trickles bytes does not
/// hold it longer), a cap on the answer's size, checked as the bytes arrive, and is cancelled
/// when the caller's `isStopped` turns true.
public final class URLSessionTransport: HTTPTransport {
  private let session: URLSession
  private let receiver = Receiver()

  /// A transport with its own session (no cookies, no cache) whose requests wait at most
  /// `timeout` seconds for the whole answer.
  public init(timeout: Double = 30) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = timeout
    configuration.httpCookieStorage = nil
    configuration.urlCache = nil
    configuration.httpMaximumConnectionsPerHost = 1
    session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
  }

  deinit { session.finishTasksAndInvalidate() }

  /// POSTs `body` and waits for the answer; a failure to get one names the endpoint without
  /// its credentials, path or query.
  public func post(
    url: String, body: [UInt8], timeout: Double, maxBytes: Int,
    isStopped: @escaping @Sendable () -> Bool
  ) throws(ChainError) -> (status: Int, body: [UInt8]) {
    let shown = JSONRPCClient.redacted(url)
    guard let target = URL(string: url), let scheme = target.scheme?.lowercased(),
      scheme == "http" || scheme == "https"
    else {
      throw ChainError(.malformed, "\(shown) is not an http(s) URL")
    }
    var request = URLRequest(url: target, timeoutInterval: timeout)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body)
    let exchange = Exchange(maxBytes: maxBytes)
    let task = session.dataTask(with: request)
    receiver.register(task.taskIdentifier, exchange)
    defer { receiver.remove(task.taskIdentifier) }
    task.resume()
    let deadline = DispatchTime.now() + timeout
    var ended: ChainError?
    while exchange.done.wait(timeout: .now() + 0.1) == .timedOut {
      if isStopped() {
        ended = ChainError(.stopped, "a request to \(shown) was cancelled: asked to stop")
      } else if DispatchTime.now() >= deadline {
        ended = ChainError(.unreachable, "no whole answer within \(timeout) s (timed out)")
      } else {
        continue
      }
      task.cancel()
      exchange.done.wait()
      break
    }
    let (data, status, error, overflow) = exchange.result()
    if let ended { throw ended }
    if overflow {
      throw ChainError(
        .tooLarge, "the answer of \(shown) is larger than \(maxBytes) bytes: not read further")
    }
    guard let status, error == nil else {
      throw ChainError(.unreachable, Self.reason(error, timeout: timeout))
    }
    return (status, data)
  }
}

extension URLSessionTransport {
  /// Why no answer came, in words (Foundation on Linux gives only a code for most). Never
  /// the error itself: its text and user info can hold the URL with its credentials.
  static func reason(_ error: (any Error)?, timeout: Double) -> String {
    guard let error else { return "no answer" }
    guard let url = error as? URLError else {
      let code = (error as NSError).code
      return "no answer (\((error as NSError).domain) error \(code))"
    }
    switch url.code {
    case .timedOut: return "no answer within \(timeout) s (timed out)"
    case .cannotConnectToHost: return "connection refused"
    case .networkConnectionLost: return "the connection was closed without an answer"
    case .cannotFindHost, .dnsLookupFailed: return "the host is not known"
    case .serverCertificateUntrusted, .serverCertificateHasBadDate,
      .serverCertificateHasUnknownRoot, .secureConnectionFailed:
      return "TLS: the server's certificate is not trusted (URLError \(url.code.rawValue))"
    default: return "no answer (URLError \(url.code.rawValue))"
    }
  }
}

/// One request's answer as it arrives, handed from URLSession's queue to the waiting caller.
///
/// `@unchecked Sendable` is sound: every field is read and written under the lock; `done` is
/// signalled once, when the task completed (or was cancelled and completed).
private final class Exchange: @unchecked Sendable {
  private let lock = NSLock()
  private let maxBytes: Int
  private var data: [UInt8] = []
  private var status: Int?
  private var error: (any Error)?
  private var overflow = false
  let done = DispatchSemaphore(value: 0)

  init(maxBytes: Int) { self.maxBytes = maxBytes }

  func respond(_ status: Int?) { lock.withLock { self.status = status } }

  /// Appends `bytes`; false when the answer has grown past the cap (the caller cancels).
  func append(_ bytes: Data) -> Bool {
    lock.withLock {
      guard !overflow, data.count + bytes.count <= maxBytes else {
        overflow = true
        data = []
        return false
      }
      data.append(contentsOf: bytes)
      return true
    }
  }

  func complete(_ error: (any Error)?) {
    lock.withLock { self.error = error }
    done.signal()
  }

  func result() -> ([UInt8], Int?, (any Error)?, Bool) {
    lock.withLock { (data, status, error, overflow) }
  }
}

/// The session's delegate: routes each task's events to its ``Exchange``.
///
/// `@unchecked Sendable` is sound: `exchanges` is read and written under the lock only.
private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  private let lock = NSLock()
  private var exchanges: [Int: Exchange] = [:]

  func register(_ id: Int, _ exchange: Exchange) { lock.withLock { exchanges[id] = exchange } }
  func remove(_ id: Int) { _ = lock.withLock { exchanges.removeValue(forKey: id) } }
  private func exchange(_ task: URLSessionTask) -> Exchange? {
    lock.withLock { exchanges[task.taskIdentifier] }
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    exchange(dataTask)?.respond((response as? HTTPURLResponse)?.statusCode)
    completionHandler(.allow)
  }

  /// A redirect is not followed: the answer of another URL is not the endpoint's (and an
  /// https endpoint could send the request on over http). The 3xx is the answer.
  func urlSession(
    _ session: URLSession, task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
  ) {
    completionHandler(nil)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard let exchange = exchange(dataTask) else { return }
    if !exchange.append(data) { dataTask.cancel() }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
  ) {
    exchange(task)?.complete(error)
  }
}
