/// One bucket whose stored and replayed amounts differ.
public struct ReplayDifference: Sendable, Equatable {
  /// The holder whose bucket differs.
  public let account: String
  /// The asset.
  public let asset: String
  /// The bucket.
  public let bucket: String
  /// The stored balance, in token units.
  public let stored: String
  /// The balance the journal rebuilds, in token units.
  public let replayed: String

  /// The JSON form `--format json` prints.
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
  /// The replayed state's digest.
  public let stateDigest: String
  /// The stored state's digest.
  public let storedStateDigest: String
  /// The replayed journal's head hash.
  public let headHash: String
  /// The stored journal's head hash (at the cut's last entry).
  public let storedHeadHash: String
  /// Whether the two heads compare: false for a cut by height or time that keeps a
  /// subsequence of the journal (assets' entries interleave), whose stored chain holds entries
  /// the replay does not; the states still compare.
  public let headsComparable: Bool
  /// Every bucket whose balances differ.
  public let differences: [ReplayDifference]
  /// Stored operations that failed when re-applied: `entry N (kind): code: message`.
  public let failures: [String]

  /// Whether the journal rebuilds exactly the stored state.
  public var ok: Bool {
    differences.isEmpty && failures.isEmpty && stateDigest == storedStateDigest
      && (!headsComparable || headHash == storedHeadHash)
  }

  /// The JSON form `--format json` prints.
  public var jsonObject: JSONValue {
    .object([
      "ok": .bool(ok), "entries": .number(String(entries)),
      "operations": .number(String(operations)),
      "stateDigest": .string(stateDigest), "storedStateDigest": .string(storedStateDigest),
      "headHash": .string(headHash), "storedHeadHash": .string(storedHeadHash),
      "headsComparable": .bool(headsComparable),
      "differences": .array(differences.map(\.jsonObject)),
      "failures": .array(failures.map { .string($0) }),
    ])
  }
}
