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
public final class URLSessionTransport: HTTPTransport {
  private let session: URLSession

  /// A transport with its own session (no cookies, no cache) whose requests wait at most
  /// `timeout` seconds for an answer (on Linux the session's limit holds, not the request's).
  public init(timeout: Double = 30) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.httpCookieStorage = nil
    configuration.urlCache = nil
    configuration.httpMaximumConnectionsPerHost = 1
    session = URLSession(configuration: configuration)
  }

  deinit { session.finishTasksAndInvalidate() }

  /// POSTs `body` and waits for the answer; a failure to get one names the endpoint without
  /// its credentials, path or query.
  public func post(url: String, body: [UInt8], timeout: Double) throws(ChainError) -> (
    status: Int, body: [UInt8]
  ) {
    guard let target = URL(string: url), let scheme = target.scheme?.lowercased(),
      scheme == "http" || scheme == "https"
    else {
      throw ChainError(.malformed, "\(JSONRPCClient.redacted(url)) is not an http(s) URL")
    }
    var request = URLRequest(url: target, timeoutInterval: timeout)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body)
    let answer = Answer()
    let done = DispatchSemaphore(value: 0)
    let task = session.dataTask(with: request) { data, response, error in
      answer.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
      done.signal()
    }
    task.resume()
    done.wait()
    let (data, status, error) = answer.get()
    guard let status else { throw ChainError(.unreachable, Self.reason(error, timeout: timeout)) }
    return (status, data.map { [UInt8]($0) } ?? [])
  }
}

extension URLSessionTransport {
  /// Why no answer came, in words (Foundation on Linux gives only a code for most).
  static func reason(_ error: (any Error)?, timeout: Double) -> String {
    guard let error else { return "no answer" }
    guard let url = error as? URLError else { return "no answer (\(error))" }
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

/// The one answer of a request, handed from URLSession's queue to the waiting caller.
private final class Answer: @unchecked Sendable {
  // Sound: written once by the completion handler before the semaphore is signalled, read
  // once by the caller after it waited on it; the lock orders both.
  private let lock = NSLock()
  private var data: Data?
  private var status: Int?
  private var error: (any Error)?

  func set(data: Data?, status: Int?, error: (any Error)?) {
    lock.lock()
    defer { lock.unlock() }
    (self.data, self.status, self.error) = (data, status, error)
  }

  func get() -> (Data?, Int?, (any Error)?) {
    lock.lock()
    defer { lock.unlock() }
    return (data, status, error)
  }
}
