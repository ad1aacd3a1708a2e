import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Anchors kept outside the ledger file, which catch what no check inside it can: a journal
/// whose tail was cut and whose chain was recomputed.
public struct AuditAnchors: Sendable {
  /// A head hash recorded earlier: the journal must still contain an entry with it.
  public var expectHead: String?
  /// A signed checkpoint and the public key trusted to have signed it.
  public var checkpoint: (checkpoint: Checkpoint, trustedPublicKey: String)?

  /// Anchors for an audit: an expected head hash, a checkpoint and its trusted key.
  public init(
    expectHead: String? = nil, checkpoint: (checkpoint: Checkpoint, trustedPublicKey: String)? = nil
  ) {
    self.expectHead = expectHead
    self.checkpoint = checkpoint
  }
}

extension Ledger {
  /// Runs every audit check and then the anchors' checks. `progress` is called with each
  /// check's name as it finishes.
  public func audit(anchors: AuditAnchors, progress: (String) -> Void = { _ in }) throws
    -> AuditReport
  {
    let report = try audit(progress: progress)
    var checks = report.checks
    if let head = anchors.expectHead {
      let found = try containsEntry(hash: head)
      checks.append(
        CheckResult(
          name: "expectedHead",
          violations: found
            ? []
            : [
              Violation(
                "no entry has the expected head hash: the journal was truncated or rewritten",
                expected: head, actual: report.headHash)
            ],
          violationCount: found ? 0 : 1))
    }
    if let (checkpoint, key) = anchors.checkpoint {
      let problem = try checkpoint.problem(in: self, trustedPublicKey: key)
      checks.append(
        CheckResult(
          name: "checkpoint",
          violations: problem.map {
            [
              Violation(
                "checkpoint at entry \(checkpoint.sequence): \($0)", sequence: checkpoint.sequence)
            ]
          } ?? [],
          violationCount: problem == nil ? 0 : 1))
    }
    return AuditReport(
      entries: report.entries, headHash: report.headHash, stateDigest: report.stateDigest,
      checks: checks)
  }

  /// Runs every audit check on one consistent snapshot (other processes may keep writing
  /// meanwhile) and reports them in registry order. Read-only. On a ledger file, the
  /// independent checks (the hash chain, SQLite's integrity check) run on connections of their
  /// own on other threads, beside the rest.
  public func audit(progress: (String) -> Void = { _ in }) throws -> AuditReport {
    try read { journal in
      let head = try journal.head()
      // A tampered row may make the digest unreadable; the checks then say which row.
      let digest = (try? LedgerSnapshot(journal).stateDigest()) ?? "unreadable"
      let context = AuditContext(journal: journal)
      let checks = AuditRegistry.checks
      var background: [Int: BackgroundCheck] = [:]
      if path != ":memory:" && !path.isEmpty {
        for (index, check) in checks.enumerated() {
          if let independent = check as? any IndependentCheck {
            background[index] = BackgroundCheck(independent, path: path, head: head.sequence)
          }
        }
      }
      var results: [CheckResult?] = Array(repeating: nil, count: checks.count)
      for (index, check) in checks.enumerated() where background[index] == nil {
        results[index] = Self.run(check, context)
        progress(check.name)
      }
      for (index, task) in background.sorted(by: { $0.key < $1.key }) {
        // A connection that could not be opened: the check runs here instead.
        results[index] = task.wait() ?? Self.run(checks[index], context)
        progress(checks[index].name)
      }
      return AuditReport(
        entries: head.sequence, headHash: head.hash, stateDigest: digest,
        checks: results.map { $0! })
    }
  }

  private static func run(_ check: any AuditCheck, _ context: AuditContext) -> CheckResult {
    measured(check.name) { violations in
      // On PostgreSQL a failed statement aborts its transaction: each check runs in a
      // savepoint, so that one that cannot run leaves the others theirs.
      guard context.database.failedStatementAbortsTransaction else {
        return try check.run(context, &violations)
      }
      try context.database.savepoint { try check.run(context, &violations) }
    }
  }

  /// Runs a check's body and reports its violations and time; an error is a violation too.
  static func measured(_ name: String, _ body: (inout ViolationList) throws -> Void)
    -> CheckResult
  {
    let started = monotonicMilliseconds()
    var violations = ViolationList()
    do {
      try body(&violations)
    } catch {
      violations.append(Violation("check could not run: \(error)"))
    }
    return CheckResult(
      name: name, violations: violations.first, violationCount: violations.count,
      milliseconds: monotonicMilliseconds() - started)
  }

  static func monotonicMilliseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
  }
}

extension Ledger {
  /// A query-only connection of its own to the ledger file at `path`, for a check on another
  /// thread; nil when it cannot be opened. Opened for writing but made query-only: on a
  /// read-only connection SQLite does not parse CHECK constraints, so integrity_check would
  /// skip them. A file this process cannot write opens read-only anyway; in a directory it
  /// cannot write either, only as `openForReading` opens it.
  static func backgroundConnection(_ path: String) -> Database? {
    guard let opened = try? Database(path: path, mode: .existing),
      let database = opened.isReadOnly ? try? Database.openForReading(path) : opened,
      (try? database.makeQueryOnly()) != nil
    else { return nil }
    return database
  }
}

/// An independent check running on a connection of its own (query-only) on a Dispatch thread.
///
/// `@unchecked Sendable` is sound: `result` is written once by the worker under `lock` before
/// it signals `done`, and read only after `wait()` has seen that signal.
private final class BackgroundCheck: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let lock = Lock()
  private var result: CheckResult?

  init(_ check: any IndependentCheck, path: String, head: Int64) {
    DispatchQueue.global().async {
      let result = Self.run(check, path: path, head: head)
      self.lock.withLock { self.result = result }
      self.done.signal()
    }
  }

  /// The check's result, or nil when its connection could not be opened.
  func wait() -> CheckResult? {
    done.wait()
    return lock.withLock { result }
  }

  private static func run(_ check: any IndependentCheck, path: String, head: Int64)
    -> CheckResult?
  {
    guard let database = Ledger.backgroundConnection(path) else { return nil }
    return Ledger.measured(check.name) { violations in
      try database.readTransaction { try check.run(database, through: head, &violations) }
    }
  }
}
