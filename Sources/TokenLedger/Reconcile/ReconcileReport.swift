/// One compared item: the key it was matched on and both sides' amounts where known.
public struct ReconcileItem: Sendable, Equatable {
  public let key: String
  public let ledger: String?
  public let source: String?
  /// `source - ledger`, when both are known.
  public let difference: String?
  /// What else differs (from, to), or why a row was rejected.
  public let detail: String?
  /// The key's parts for balance sources (the `key` joins them with spaces, and a free-form
  /// name may hold a space): the account, the bucket (`total` for a holder's total) and the
  /// validator, when the item has one.
  public var account: String? = nil
  public var bucket: String? = nil
  public var validator: String? = nil

  public var jsonObject: JSONValue {
    var fields: [String: JSONValue] = ["key": .string(key)]
    if let ledger { fields["ledger"] = .string(ledger) }
    if let source { fields["source"] = .string(source) }
    if let difference { fields["difference"] = .string(difference) }
    if let detail { fields["detail"] = .string(detail) }
    if let account { fields["account"] = .string(account) }
    if let bucket { fields["bucket"] = .string(bucket) }
    if let validator { fields["validator"] = .string(validator) }
    return .object(fields)
  }
}

/// What `reconcile` found. Lists keep their first ``listMax`` items; the counts are complete.
public struct ReconcileReport: Sendable, Equatable {
  public static let listMax = 10_000

  public var kind: SourceKind
  public var asset: String
  public var matched = 0
  public var mismatched: [ReconcileItem] = []
  public var mismatchedCount = 0
  public var missingInLedger: [ReconcileItem] = []
  public var missingInLedgerCount = 0
  public var missingInSource: [ReconcileItem] = []
  public var missingInSourceCount = 0
  /// Source rows that could not be read (line and precise reason); never rounded or guessed.
  public var rejected: [ReconcileItem] = []
  public var rejectedCount = 0
  public var skipped: [SkipReason: Int] = [:]
  /// Records read from the source (rows of the asset that could be compared).
  var sourceRecords = 0
  /// The whole holdings of the asset (balance sources) or the sums of the transfers in the
  /// source's block range (transfer sources), in token units.
  public var sourceTotal = "0"
  public var ledgerTotal = "0"
  /// Ledger accounts the source covered, of all ledger accounts holding the asset.
  public var coveredAccounts = 0
  public var ledgerAccounts = 0

  public var ok: Bool {
    mismatchedCount == 0 && missingInLedgerCount == 0 && missingInSourceCount == 0
      && rejectedCount == 0
  }

  mutating func add(
    _ item: ReconcileItem, to list: WritableKeyPath<ReconcileReport, [ReconcileItem]>,
    count: WritableKeyPath<ReconcileReport, Int>
  ) {
    if self[keyPath: list].count < Self.listMax { self[keyPath: list].append(item) }
    self[keyPath: count] += 1
  }

  public var jsonObject: JSONValue {
    func list(_ items: [ReconcileItem]) -> JSONValue { .array(items.map(\.jsonObject)) }
    return .object([
      "ok": .bool(ok), "kind": .string(kind.rawValue), "asset": .string(asset),
      "matched": .number(String(matched)),
      "mismatched": list(mismatched), "missingInLedger": list(missingInLedger),
      "missingInSource": list(missingInSource),
      "rejected": list(rejected),
      "counts": .object([
        "mismatched": .number(String(mismatchedCount)),
        "missingInLedger": .number(String(missingInLedgerCount)),
        "missingInSource": .number(String(missingInSourceCount)),
        "rejected": .number(String(rejectedCount)),
      ]),
      "skipped": .object(
        Dictionary(
          uniqueKeysWithValues: skipped.map { ($0.key.rawValue, .number(String($0.value))) })),
      "totals": .object([
        asset: .object(["source": .string(sourceTotal), "ledger": .string(ledgerTotal)])
      ]),
      "coverage": .object([
        "covered": .number(String(coveredAccounts)), "accounts": .number(String(ledgerAccounts)),
      ]),
    ])
  }
}
