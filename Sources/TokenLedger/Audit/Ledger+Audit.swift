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

  public init(
    expectHead: String? = nil, checkpoint: (checkpoint: Checkpoint, trustedPublicKey: String)? = nil
  ) {
    self.expectHead = expectHead
    self.checkpoint = checkpoint
  }
}

extension Ledger {
  /// Runs every audit check and then the anchors' checks.
  public func audit(anchors: AuditAnchors) throws -> AuditReport {
    let report = try audit()
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

  /// Runs every audit check, in order, on one consistent snapshot (other processes may keep
  /// writing meanwhile). Read-only.
  public func audit() throws -> AuditReport {
    try read { journal in
      let head = try journal.head()
      // A tampered row may make the digest unreadable; the checks then say which row.
      let digest = (try? journal.stateDigest()) ?? "unreadable"
      let context = AuditContext(journal: journal)
      var results: [CheckResult] = []
      for check in AuditRegistry.checks {
        let started = Self.monotonicMilliseconds()
        var violations = ViolationList()
        do {
          try check.run(context, &violations)
        } catch {
          violations.append(Violation("check could not run: \(error)"))
        }
        results.append(
          CheckResult(
            name: check.name, violations: violations.first, violationCount: violations.count,
            milliseconds: Self.monotonicMilliseconds() - started))
      }
      return AuditReport(
        entries: head.sequence, headHash: head.hash, stateDigest: digest, checks: results)
    }
  }

  static func monotonicMilliseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
  }
}
