import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Ledger {
  /// Entry kinds the clock derives (matured unbonding, expired holds). `export` leaves them
  /// out because applying the exported operations derives them again, identically.
  public static let derivedEntryKinds: Set<String> = ["release", "expire", "formatChange"]

  /// Calls `body` with each operation of the journal, in order, as a canonical JSON line that
  /// `apply` accepts; up to entry `until` when given. Applying the lines to a new ledger
  /// rebuilds the same head hash and state digest.
  ///
  /// The export is the journal itself, so it must be the journal as written: a damaged or
  /// edited entry (the chain does not verify) stops the export before it is copied. On a
  /// ledger file the chain is verified on a connection of its own on another thread, beside
  /// the writing, and no line goes out before the chain has verified up to its entry.
  public func exportLines(until: Int64? = nil, _ body: (String) throws -> Void) throws {
    try read { journal in
      var violations = ViolationList()
      try SequenceCheck().run(AuditContext(journal: journal), &violations)
      try Self.refuse(violations, "sequence")
      let last = min(until ?? Int64.max, try journal.head().sequence)
      let verifier =
        path != ":memory:" && !path.isEmpty
        ? ChainVerifier(path: path, through: last) : ChainVerifier(unavailable: ())
      if verifier.isUnavailable {
        // No connection of its own (in memory, or it could not be opened): first, here.
        try HashChainCheck().run(journal.database, from: 1, through: last, &violations)
        try Self.refuse(violations, HashChainCheck().name)
        verifier.markVerified(through: last)
      }
      try journal.database.forEachStoredOperation(upTo: .sequence(last)) { row in
        try verifier.wait(for: row.sequence)
        guard !Self.derivedEntryKinds.contains(row.kind) else { return }
        try body(try journal.operationText(row))
      }
      try verifier.wait(for: last)
    }
  }

  static func refuse(_ violations: ViolationList, _ check: String) throws {
    if let first = violations.first.first {
      throw DatabaseError(
        resultCode: 11, message: "the journal does not verify (\(check)): \(first.message)")
    }
  }
}

/// The hash chain verified on another thread, ahead of an export that waits for it entry by
/// entry.
///
/// `@unchecked Sendable` is sound: `verified` and `failure` are read and written under `lock`
/// only.
private final class ChainVerifier: @unchecked Sendable {
  private let lock = Lock()
  private var verified: Int64 = 0
  private var failure: String?

  private var unavailable = false
  private let opened = DispatchSemaphore(value: 0)

  /// A verifier without a thread: the caller checks the chain itself.
  init(unavailable: Void) {
    self.unavailable = true
    opened.signal()
  }

  /// Verifies entries 1 through `last` of the ledger file at `path` on a connection of its
  /// own, on a Dispatch thread.
  init(path: String, through last: Int64) {
    DispatchQueue.global().async {
      guard let database = Ledger.backgroundConnection(path) else {
        self.lock.withLock { self.unavailable = true }
        self.opened.signal()
        return
      }
      self.opened.signal()
      var violations = ViolationList()
      do {
        try database.readTransaction {
          try HashChainCheck().run(database, from: 1, through: last, &violations) { sequence in
            self.lock.withLock { self.verified = sequence }
          }
        }
      } catch {
        violations.append(Violation("check could not run: \(error)"))
      }
      if let first = violations.first.first {
        self.lock.withLock { self.failure = first.message }
      }
    }
  }

  /// Whether no connection of its own could be opened (waits until that is known).
  var isUnavailable: Bool {
    opened.wait()
    opened.signal()
    return lock.withLock { unavailable }
  }

  /// The caller verified the chain through `last` itself.
  func markVerified(through last: Int64) { lock.withLock { verified = last } }

  /// Returns once entry `sequence` has verified; throws when the chain failed before it.
  func wait(for sequence: Int64) throws {
    while true {
      let (done, failed) = lock.withLock { (verified >= sequence, failure) }
      if done { return }
      if let failed {
        throw DatabaseError(
          resultCode: 11, message: "the journal does not verify (hashChain): \(failed)")
      }
      usleep(500)
    }
  }
}
