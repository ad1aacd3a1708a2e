/// One thing an audit check found wrong, named as precisely as the check can: the entry, the
/// account and bucket, the asset, what was expected and what is there.
public struct Violation: Sendable, Equatable, Codable {
  /// What is wrong, in one line.
  public let message: String
  /// The entry it concerns, if one.
  public var sequence: Int64?
  /// That entry's idempotency id, if it has one.
  public var idempotencyId: String?
  /// The holder it concerns, if one.
  public var account: String?
  /// The bucket it concerns, if one.
  public var bucket: String?
  /// The asset it concerns, if one.
  public var asset: String?
  /// What the check computed it should be.
  public var expected: String?
  /// What the ledger holds instead.
  public var actual: String?

  /// A value with the given fields.
  public init(
    _ message: String, sequence: Int64? = nil, idempotencyId: String? = nil, account: String? = nil,
    bucket: String? = nil, asset: String? = nil, expected: String? = nil, actual: String? = nil
  ) {
    self.message = message
    self.sequence = sequence
    self.idempotencyId = idempotencyId
    self.account = account
    self.bucket = bucket
    self.asset = asset
    self.expected = expected
    self.actual = actual
  }

  /// The violation as a JSON object (`message` and whichever fields are known).
  public var jsonObject: JSONValue {
    var fields: [String: JSONValue] = ["message": .string(message)]
    if let sequence { fields["sequence"] = .number(String(sequence)) }
    let texts: [(String, String?)] = [
      ("id", idempotencyId), ("account", account), ("bucket", bucket), ("asset", asset),
      ("expected", expected), ("actual", actual),
    ]
    for (key, value) in texts { if let value { fields[key] = .string(value) } }
    return .object(fields)
  }
}

/// The outcome of one check.
public struct CheckResult: Sendable, Equatable, Codable {
  /// The check's stable name (`hashChain`, `materializedBalances`, …).
  public let name: String
  /// The first violations (at most ``AuditReport/violationsPerCheckMax``).
  public let violations: [Violation]
  /// How many violations there were in all.
  public let violationCount: Int
  /// How long the check took, in milliseconds (not part of equality: it varies run to run).
  public var milliseconds: Int64 = 0
  /// Whether the check found nothing wrong.
  public var ok: Bool { violationCount == 0 }

  /// A check's outcome.
  public init(name: String, violations: [Violation], violationCount: Int, milliseconds: Int64 = 0) {
    self.name = name
    self.violations = violations
    self.violationCount = violationCount
    self.milliseconds = milliseconds
  }

  /// Equal when name and violations are (the time is left out: it varies run to run).
  public static func == (lhs: CheckResult, rhs: CheckResult) -> Bool {
    lhs.name == rhs.name && lhs.violations == rhs.violations
      && lhs.violationCount == rhs.violationCount
  }
}

/// What `audit` found: every check's result, and the ledger's fingerprint.
public struct AuditReport: Sendable, Equatable, Codable {
  /// How many violations a check lists; it counts them all.
  public static let violationsPerCheckMax = 20

  /// The names of the checks every audit runs, in the order it reports them.
  public static var registeredChecks: [String] { AuditRegistry.checks.map(\.name) }

  /// The entries the audit saw (its snapshot's head sequence).
  public let entries: Int64
  /// The hash of the last entry it saw.
  public let headHash: String
  /// The state digest of its snapshot.
  public let stateDigest: String
  /// Every check, in registry order, then the anchors' checks.
  public let checks: [CheckResult]
  /// Whether every check passed.
  public var ok: Bool { checks.allSatisfy(\.ok) }

  /// The contract's JSON form.
  public var jsonObject: JSONValue {
    .object([
      "ok": .bool(ok), "entries": .number(String(entries)), "headHash": .string(headHash),
      "stateDigest": .string(stateDigest),
      "checks": .array(
        checks.map { check in
          .object([
            "name": .string(check.name), "ok": .bool(check.ok),
            "violationCount": .number(String(check.violationCount)),
            "milliseconds": .number(String(check.milliseconds)),
            "violations": .array(check.violations.map(\.jsonObject)),
          ])
        }),
    ])
  }
}

/// Collects a check's violations, keeping the first few and counting the rest.
struct ViolationList {
  private(set) var first: [Violation] = []
  private(set) var count = 0

  mutating func append(_ violation: Violation) {
    if first.count < AuditReport.violationsPerCheckMax { first.append(violation) }
    count += 1
  }
}

extension AuditReport {
  /// Reads the JSON document `tokenledger audit --format json` wrote (``jsonObject``), so that
  /// a report can show an audit run earlier instead of running its own. Anything else is
  /// `invalidOperation` naming what is missing.
  public init(json bytes: [UInt8]) throws {
    func fail(_ what: String) -> LedgerError {
      LedgerError(
        .invalidOperation, "not an audit document (`tokenledger audit --format json`): \(what)")
    }
    guard let object = try? JSONParser.parse(bytes).objectValue else {
      throw fail("not a JSON object")
    }
    func integer(_ value: JSONValue?) -> Int64? {
      if case .number(let text)? = value { return Int64(text) }
      return nil
    }
    guard let entries = integer(object["entries"]), let head = object["headHash"]?.stringValue,
      let digest = object["stateDigest"]?.stringValue, let checks = object["checks"]?.arrayValue
    else { throw fail("entries, headHash, stateDigest or checks missing") }
    self.init(
      entries: entries, headHash: head, stateDigest: digest,
      checks: try checks.map { check in
        guard let name = check["name"]?.stringValue, let count = integer(check["violationCount"]),
          let violations = check["violations"]?.arrayValue
        else { throw fail("a check without name, violationCount or violations") }
        return CheckResult(
          name: name,
          violations: try violations.map { violation in
            guard let message = violation["message"]?.stringValue else {
              throw fail("a violation without a message in \(name)")
            }
            return Violation(
              message, sequence: integer(violation["sequence"]),
              idempotencyId: violation["id"]?.stringValue,
              account: violation["account"]?.stringValue, bucket: violation["bucket"]?.stringValue,
              asset: violation["asset"]?.stringValue,
              expected: violation["expected"]?.stringValue,
              actual: violation["actual"]?.stringValue)
          }, violationCount: Int(count), milliseconds: integer(check["milliseconds"]) ?? 0)
      })
  }
}
