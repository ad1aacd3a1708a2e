/// One compared item: the key it was matched on and both sides' amounts where known.
public struct ReconcileItem: Sendable, Equatable {
  /// What the item was matched on (an id, or address/asset/bucket[/validator]).
  public let key: String
  /// The ledger's amount, if the ledger has the key.
  public let ledger: String?
  /// The source's amount, if the source has the key.
  public let source: String?
  /// `source - ledger`, when both are known.
  public let difference: String?
  /// What else differs (from, to), or why a row was rejected.
  public let detail: String?
  /// The key's parts for balance sources (the `key` joins them with spaces, and a free-form
  /// name may hold a space): the account, the bucket (`total` for a holder's total) and the
  /// validator, when the item has one.
  public var account: String? = nil
  /// The bucket of a balance key.
  public var bucket: String? = nil
  /// The validator of a balance key, if it names one.
  public var validator: String? = nil

  /// The contract's JSON form.
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
  /// How many items each list keeps; the counts count them all.
  public static let listMax = 10_000

  /// The source's kind.
  public var kind: SourceKind
  /// The asset compared.
  public var asset: String
  /// Keys on both sides with equal amounts.
  public var matched = 0
  /// Keys on both sides with different amounts.
  public var mismatched: [ReconcileItem] = []
  /// How many keys differ.
  public var mismatchedCount = 0
  /// Keys the source has and the ledger does not.
  public var missingInLedger: [ReconcileItem] = []
  /// How many keys the ledger lacks.
  public var missingInLedgerCount = 0
  /// Non-zero ledger amounts the source does not cover.
  public var missingInSource: [ReconcileItem] = []
  /// How many ledger amounts the source lacks.
  public var missingInSourceCount = 0
  /// Source rows that could not be read (line and precise reason); never rounded or guessed.
  public var rejected: [ReconcileItem] = []
  /// Source rows that could not be read.
  public var rejectedCount = 0
  /// Source rows left out on purpose, by reason.
  public var skipped: [SkipReason: Int] = [:]
  /// Records read from the source (rows of the asset that could be compared).
  var sourceRecords = 0
  /// The whole holdings of the asset (balance sources) or the sums of the transfers in the
  /// source's block range (transfer sources), in token units.
  public var sourceTotal = "0"
  /// The ledger's total over the compared keys, in token units.
  public var ledgerTotal = "0"
  /// Ledger accounts the source covered, of all ledger accounts holding the asset.
  public var coveredAccounts = 0
  /// Ledger holders compared.
  public var ledgerAccounts = 0

  /// Whether the two sides agree: nothing differs, nothing is missing, nothing was rejected.
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

  /// The contract's JSON form.
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
