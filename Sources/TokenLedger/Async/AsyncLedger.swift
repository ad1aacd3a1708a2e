import Dispatch

/// The ledger for async code (a Vapor or Hummingbird server): each call runs on a thread of
/// this ledger's own, never on the caller's executor, so SQLite's blocking reads and
/// `fsync`ed commits do not hold up an event loop or Swift's cooperative pool while they wait.
///
/// Calls run one at a time, in the order they were made (the ledger serialises its writes
/// anyway); several `AsyncLedger`s on one file, or other processes, may write concurrently as
/// ``Ledger`` allows. Use ``perform(_:)`` for anything the named methods do not cover.
///
/// ```swift
/// let books = AsyncLedger(try Ledger.open(at: "books.sqlite", create: true))
/// let results = try await books.apply(jsonLines: lines)
/// let balances = try await books.balances(asset: "FET")
/// for try await entry in books.history(account: "fetch1…", pageSize: 500) { … }
/// ```
public final class AsyncLedger: Sendable {
  /// The ledger the calls run on.
  public let ledger: Ledger
  private let queue: DispatchQueue

  /// Wraps a ledger; `label` names its thread in debuggers.
  public init(_ ledger: Ledger, label: String = "tokenledger") {
    self.ledger = ledger
    self.queue = DispatchQueue(label: label)
  }

  /// Runs `body` with the ledger on the ledger's own thread and returns its result.
  public func perform<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws
    -> T
  {
    try await withCheckedThrowingContinuation { continuation in
      queue.async { continuation.resume(with: Result { try body(self.ledger) }) }
    }
  }

  /// ``Ledger/apply(jsonLines:mode:)`` on the ledger's thread.
  public func apply(jsonLines lines: [String], mode: BatchMode = .atomic) async throws
    -> [ApplyResult]
  {
    try await perform { try $0.apply(jsonLines: lines, mode: mode) }
  }

  /// ``Ledger/balances(account:asset:at:)`` on the ledger's thread.
  public func balances(
    account: String? = nil, asset: String? = nil, at point: PointInTime = .now
  ) async throws -> [BalanceRow] {
    try await perform { try $0.balances(account: account, asset: asset, at: point) }
  }

  /// ``Ledger/summary()`` on the ledger's thread.
  public func summary() async throws -> LedgerSummary { try await perform { try $0.summary() } }

  /// ``Ledger/audit(progress:)`` on the ledger's thread.
  public func audit() async throws -> AuditReport { try await perform { try $0.audit() } }

  /// ``Ledger/rewardStatement(asset:holder:validator:from:to:by:valueIn:)`` on the ledger's thread.
  public func rewardStatement(
    asset: String, holder: String? = nil, validator: String? = nil, from: LedgerTime? = nil,
    to: LedgerTime? = nil, by period: StatementPeriod = .month
  ) async throws -> RewardStatement {
    try await perform {
      try $0.rewardStatement(
        asset: asset, holder: holder, validator: validator, from: from, to: to, by: period)
    }
  }

  /// An account's history, oldest first, read a page at a time as the sequence is iterated:
  /// a million-entry account is never in memory at once.
  public func history(account: String, asset: String? = nil, pageSize: Int = 1000)
    -> AsyncThrowingStream<HistoryEntry, any Error>
  {
    precondition(pageSize > 0, "a page holds at least one entry")
    let cursor = HistoryCursor()
    return AsyncThrowingStream {
      if let entry = cursor.buffered.popFirst() { return entry }
      guard !cursor.finished else { return nil }
      let after = cursor.after
      let page = try await self.perform {
        try $0.historyPage(account: account, asset: asset, after: after, limit: pageSize)
      }
      cursor.buffered = page.entries[...]
      cursor.after = page.next
      cursor.finished = page.next == nil
      return cursor.buffered.popFirst()
    }
  }
}

/// Where a history stream stands.
///
/// `@unchecked Sendable` is sound: only the stream's producer closure touches these fields, and
/// `AsyncThrowingStream` calls that closure once at a time for its one consumer, never
/// concurrently, so no two threads ever read or write them at once.
private final class HistoryCursor: @unchecked Sendable {
  var buffered: ArraySlice<HistoryEntry> = []
  var after: Int64?
  var finished = false
}
