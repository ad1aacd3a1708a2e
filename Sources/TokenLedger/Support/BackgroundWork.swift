import Dispatch

/// One piece of work on a Dispatch thread, its result or error collected by `wait()`.
///
/// `@unchecked Sendable` is sound: `outcome` is written once by the worker under `lock` before
/// it signals `done`, and read only after `wait()` has seen that signal.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let lock = Lock()
  private var outcome: Result<Value, any Error>?

  func start(_ work: @escaping @Sendable () throws -> Value) {
    DispatchQueue.global().async {
      let outcome = Result { try work() }
      self.lock.withLock { self.outcome = outcome }
      self.done.signal()
    }
  }

  func wait() throws -> Value {
    done.wait()
    return try lock.withLock { outcome! }.get()
  }
}
