import Dispatch

/// A bounded hand-off of batches from one thread to another: `send` blocks while `capacity`
/// batches wait, `receive` while none does. The receiver may `cancel` (it failed): the sender's
/// next `send` then returns false.
///
/// `@unchecked Sendable` is sound: `queue`, `closed` and `cancelled` are read and written only
/// under `lock`; the semaphores are thread-safe.
final class BatchChannel<Item: Sendable>: @unchecked Sendable {
  private let lock = Lock()
  private let free: DispatchSemaphore
  private let waiting = DispatchSemaphore(value: 0)
  private var queue: [Item] = []
  private var closed = false
  private var cancelled = false

  init(capacity: Int) {
    precondition(capacity >= 1, "a channel holds at least one batch")
    free = DispatchSemaphore(value: capacity)
  }

  /// Hands `item` over; false when the receiver has cancelled.
  func send(_ item: Item) -> Bool {
    free.wait()
    let accepted = lock.withLock {
      guard !cancelled else { return false }
      queue.append(item)
      return true
    }
    if accepted { waiting.signal() } else { free.signal() }
    return accepted
  }

  /// No more items: `receive` returns nil once the waiting ones are taken.
  func close() {
    lock.withLock { closed = true }
    waiting.signal()
  }

  /// The next item, or nil when the channel is closed and empty.
  func receive() -> Item? {
    waiting.wait()
    let item: Item? = lock.withLock { queue.isEmpty ? nil : queue.removeFirst() }
    if item != nil { free.signal() }
    return item
  }

  /// The receiver stops: waiting items are dropped and the sender is released.
  func cancel() {
    let dropped = lock.withLock {
      cancelled = true
      defer { queue.removeAll() }
      return queue.count
    }
    for _ in 0...dropped { free.signal() }
  }
}
