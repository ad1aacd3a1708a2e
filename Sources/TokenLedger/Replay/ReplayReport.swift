/// One bucket whose stored and replayed amounts differ.
public struct ReplayDifference: Sendable, Equatable {
  public let account: String
  public let asset: String
  public let bucket: String
  public let stored: String
  public let replayed: String

  public var jsonObject: JSONValue {
    .object([
      "account": .string(account), "asset": .string(asset), "bucket": .string(bucket),
      "stored": .string(stored), "replayed": .string(replayed),
    ])
  }
}

/// What `replay` found.
public struct ReplayReport: Sendable, Equatable {
  /// Operations re-applied from the journal.
  public let operations: Int
  /// Entries the replayed ledger holds (operations plus the clock-derived entries).
  public let entries: Int64
  public let stateDigest: String
  public let storedStateDigest: String
  public let headHash: String
  public let storedHeadHash: String
  public let differences: [ReplayDifference]
  /// Stored operations that failed when re-applied: `entry N (kind): code: message`.
  public let failures: [String]

  public var ok: Bool {
    differences.isEmpty && failures.isEmpty && stateDigest == storedStateDigest
      && headHash == storedHeadHash
  }

  public var jsonObject: JSONValue {
    .object([
      "ok": .bool(ok), "entries": .number(String(entries)),
      "operations": .number(String(operations)),
      "stateDigest": .string(stateDigest), "storedStateDigest": .string(storedStateDigest),
      "headHash": .string(headHash), "storedHeadHash": .string(storedHeadHash),
      "differences": .array(differences.map(\.jsonObject)),
      "failures": .array(failures.map { .string($0) }),
    ])
  }
}
