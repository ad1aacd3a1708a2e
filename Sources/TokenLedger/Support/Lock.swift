#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A mutual-exclusion lock over a pthread mutex, so that the library needs no Foundation.
/// (`Synchronization.Mutex` hands its closure's result across isolation as `sending`, which
/// the non-Sendable query results here cannot be.)
///
/// `@unchecked Sendable` is sound: the mutex is the synchronisation itself; it is allocated
/// once, never moved, and only touched through pthread calls, which are thread-safe.
final class Lock: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  init() {
    mutex = UnsafeMutablePointer.allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    precondition(
      pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init cannot fail with default attributes")
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}
