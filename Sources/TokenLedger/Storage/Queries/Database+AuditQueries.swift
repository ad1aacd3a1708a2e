/// The reads the audit's checks make, in the audit's terms: each hands over the stored values
/// as they are (text as text, a missing value as nil), because a check's job is to find what is
/// wrong with them; decoding into domain values is the check's.
///
/// Every statement the audit runs is here or in the store's structural check
/// (`Database+Integrity.swift`); a check names what it reads, never a table.
extension Database {
  /// An account row: its id and the four columns its bucket and holder are made of.
  struct StoredAccount {
    let id: Int64
    let holder: String
    let bucketKind: String
    let validator: String
    let detail: String
  }

  /// An asset row as stored.
  struct StoredAsset {
    let symbol: String
    let decimals: Int64?
    let definition: String?
    let paused: Int64?
    let clockHeight: Int64?
    let clockTime: Int64?
  }

  /// A posting row as stored, with its history links.
  struct StoredPosting {
    let sequence: Int64?
    let index: Int64?
    let asset: String?
    let amount: String?
    let from: Int64?
    let to: Int64?
    let fromPrevious: Int64?
    let toPrevious: Int64?
  }

  /// A hold row as stored, with its asset's clock and what its held bucket keeps.
  struct StoredHold {
    let hold: String
    let asset: String?
    let payer: String?
    let payee: String?
    let amount: String?
    let expiresTime: Int64?
    let status: String?
    let assetClockTime: Int64?
    let heldAmount: String?
  }

  /// A validator row as stored.
  struct StoredValidator {
    let asset: String
    let validator: String
    let operatorAddress: String?
    let commission: String?
    let commissionChangedTime: Int64?
    let stake: String?
    let maxRate: String?
    let maxChangeRate: String?
  }

  /// An open unbonding row as stored, with its asset's clock.
  struct StoredUnbonding {
    let asset: String
    let delegator: String
    let validator: String
    let entry: String
    let maturesTime: Int64?
    let assetClockTime: Int64?
  }

  /// The tables whose columns hold addresses, for the canonical-address check.
  enum AddressSource: CaseIterable {
    /// Holders of balances (not system accounts) and the validators of their buckets.
    case holderAccounts
    /// The validators named by system accounts' buckets.
    case systemAccounts
    /// Validators and their operators.
    case validators
    /// Allowances' owners and spenders.
    case allowances
    /// Unbonding delegators and validators.
    case unbonding
    /// Holds' payers and payees.
    case holds

    fileprivate func sql(_ database: Database) -> String {
      switch self {
      case .holderAccounts:
        """
        SELECT DISTINCT b.asset, a.holder, a.validator FROM balances b
        JOIN accounts a ON a.id = b.account_id WHERE \(database.doesNotStartWith("a.holder", "@"))
        """
      case .systemAccounts:
        """
        SELECT DISTINCT b.asset, a.validator FROM balances b JOIN accounts a ON a.id = b.account_id
        WHERE \(database.startsWith("a.holder", "@"))
        """
      case .validators: "SELECT asset, validator, operator FROM validators"
      case .allowances: "SELECT asset, owner, spender FROM allowances"
      case .unbonding: "SELECT DISTINCT asset, delegator, validator FROM unbonding"
      case .holds: "SELECT asset, payer, payee FROM holds"
      }
    }
  }

  /// Every account in id order, with whether a balance row names an entry that moved it.
  func forEachAccountWithUse(_ body: (StoredAccount, _ isPosted: Bool) throws -> Void) throws {
    try forEachRow(
      """
      SELECT a.id, a.holder, a.bucket, a.validator, a.detail,
             EXISTS (SELECT 1 FROM balances b WHERE b.account_id = a.id AND b.last_entry > 0)
      FROM accounts a ORDER BY a.id
      """
    ) { row in try body(Self.storedAccount(row), row.integer(5) == 1) }
  }

  /// Every account, in no particular order.
  func forEachStoredAccount(_ body: (StoredAccount) throws -> Void) throws {
    try forEachRow("SELECT id, holder, bucket, validator, detail FROM accounts") { row in
      try body(Self.storedAccount(row))
    }
  }

  private static func storedAccount(_ row: Row) -> StoredAccount {
    StoredAccount(
      id: row.integer(0) ?? -1, holder: row.text(1) ?? "", bucketKind: row.text(2) ?? "",
      validator: row.text(3) ?? "", detail: row.text(4) ?? "")
  }

  /// Every asset row, in symbol order.
  func forEachStoredAsset(_ body: (StoredAsset) throws -> Void) throws {
    try forEachRow(
      """
      SELECT symbol, decimals, definition, paused, clock_height, clock_time FROM assets
      ORDER BY symbol
      """
    ) { row in
      try body(
        StoredAsset(
          symbol: row.text(0) ?? "", decimals: row.integer(1), definition: row.text(2),
          paused: row.integer(3), clockHeight: row.integer(4), clockTime: row.integer(5)))
    }
  }

  /// Every posting in key order (entry, then posting number).
  func forEachStoredPosting(_ body: (StoredPosting) throws -> Void) throws {
    try forEachRow(
      """
      SELECT entry_seq, posting_index, asset, amount, from_account, to_account, from_previous,
             to_previous
      FROM postings ORDER BY entry_seq, posting_index
      """
    ) { row in
      try body(
        StoredPosting(
          sequence: row.integer(0), index: row.integer(1), asset: row.text(2),
          amount: row.text(3), from: row.integer(4), to: row.integer(5),
          fromPrevious: row.integer(6), toPrevious: row.integer(7)))
    }
  }

  /// Every balance row: account id, asset, amount text and the last entry that moved it.
  func forEachStoredBalance(
    _ body: (_ account: Int64, _ asset: String, _ amount: String, _ lastEntry: Int64?) throws ->
      Void
  ) throws {
    try forEachRow("SELECT account_id, asset, amount, last_entry FROM balances") { row in
      try body(row.integer(0) ?? -1, row.text(1) ?? "", row.text(2) ?? "", row.integer(3))
    }
  }

  /// Each asset's balances summed (valid amounts only), as signed base-unit text, by asset.
  func balanceSumsByAsset(_ body: (_ asset: String, _ sum: String) throws -> Void) throws {
    try forEachRow(
      "SELECT asset, amount_sum(amount) FROM balances WHERE amount_valid(amount) = 1 GROUP BY asset ORDER BY asset"
    ) { row in try body(row.text(0) ?? "", row.text(1) ?? "") }
  }

  /// Every negative balance of a holder (not a system account), by asset and holder.
  func forEachNegativeHolderBalance(
    _ body: (StoredAccount, _ asset: String, _ amount: String) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT a.id, a.holder, a.bucket, a.validator, a.detail, b.asset, b.amount
      FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE \(startsWith("b.amount", "-")) AND \(doesNotStartWith("a.holder", "@"))
      ORDER BY b.asset, a.holder
      """
    ) { row in try body(Self.storedAccount(row), row.text(5) ?? "", row.text(6) ?? "") }
  }

  /// Every allowance row: asset, owner, spender and the stored amount text.
  func forEachStoredAllowance(
    _ body: (_ asset: String, _ owner: String, _ spender: String, _ amount: String) throws -> Void
  ) throws {
    try forEachRow("SELECT asset, owner, spender, amount FROM allowances") { row in
      try body(row.text(0) ?? "", row.text(1) ?? "", row.text(2) ?? "", row.text(3) ?? "")
    }
  }

  /// The address columns of `source`'s rows: the asset, then each address column in order.
  func forEachAddressRow(
    _ source: AddressSource, _ body: (_ asset: String, _ addresses: [String?]) throws -> Void
  ) throws {
    try forEachRow(source.sql(self)) { row in
      let columns = source == .systemAccounts ? 1 : 2
      try body(row.text(0) ?? "", (1...columns).map { row.text($0) })
    }
  }

  /// Every hold row in hold-id order, with its asset's clock and its held bucket's amount.
  func forEachStoredHold(_ body: (StoredHold) throws -> Void) throws {
    try forEachRow(
      """
      SELECT h.hold_id, h.asset, h.payer, h.payee, h.amount, h.expires_time, h.status, s.clock_time,
        (SELECT b.amount FROM accounts a JOIN balances b ON b.account_id = a.id
         WHERE a.holder = h.payer AND a.bucket = 'held' AND a.detail = h.hold_id AND b.asset = h.asset)
      FROM holds h LEFT JOIN assets s ON s.symbol = h.asset ORDER BY h.hold_id
      """
    ) { row in
      try body(
        StoredHold(
          hold: row.text(0) ?? "", asset: row.text(1), payer: row.text(2), payee: row.text(3),
          amount: row.text(4), expiresTime: row.integer(5), status: row.text(6),
          assetClockTime: row.integer(7), heldAmount: row.text(8)))
    }
  }

  /// Every validator row, by asset and validator.
  func forEachStoredValidator(_ body: (StoredValidator) throws -> Void) throws {
    try forEachRow(
      """
      SELECT v.asset, v.validator, v.operator, v.commission, v.commission_changed_time, v.stake,
        v.max_rate, v.max_change_rate
      FROM validators v ORDER BY v.asset, v.validator
      """
    ) { row in
      try body(
        StoredValidator(
          asset: row.text(0) ?? "", validator: row.text(1) ?? "", operatorAddress: row.text(2),
          commission: row.text(3), commissionChangedTime: row.integer(4), stake: row.text(5),
          maxRate: row.text(6), maxChangeRate: row.text(7)))
    }
  }

  /// The staked buckets summed per (asset, validator), in one grouped pass.
  func stakedSumsByValidator(
    _ body: (_ asset: String, _ validator: String, _ sum: String?) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT b.asset, a.validator, amount_sum(b.amount)
      FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE a.bucket = 'staked' GROUP BY b.asset, a.validator
      """
    ) { row in try body(row.text(0) ?? "", row.text(1) ?? "", row.text(2)) }
  }

  /// The staked, unbonding and rewards buckets whose validator has no row.
  func forEachBucketOfUnregisteredValidator(
    _ body: (_ holder: String?, _ bucketKind: String, _ validator: String, _ asset: String?) throws
      -> Void
  ) throws {
    try forEachRow(
      """
      SELECT DISTINCT a.holder, a.bucket, a.validator, b.asset FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.bucket IN ('staked', 'unbonding', 'rewards')
        AND NOT EXISTS (SELECT 1 FROM validators v WHERE v.asset = b.asset AND v.validator = a.validator)
      """
    ) { row in try body(row.text(0), row.text(1) ?? "", row.text(2) ?? "", row.text(3)) }
  }

  /// The unbonding buckets that entries of `kind` opened (a bucket whose detail is the entry's
  /// sequence): asset, the bucket's account, and the entry's time and payload.
  func forEachUnbondingOpened(
    by kind: EntryKind,
    _ body: (
      _ asset: String, _ account: StoredAccount, _ time: Int64?, _ payload: String?
    ) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT a.id, a.holder, a.bucket, a.validator, a.detail, p.asset, e.time, e.payload
      FROM entries e\(indexedBy("entries_by_kind"))
      JOIN postings p ON p.entry_seq = e.seq JOIN accounts a ON a.id = p.to_account
      WHERE a.bucket = 'unbonding' AND e.kind = $1 AND e.kind <> 'transfer'
        AND a.detail = CAST(e.seq AS TEXT)
      """, [.text(kind.rawValue)]
    ) { row in try body(row.text(5) ?? "", Self.storedAccount(row), row.integer(6), row.text(7)) }
  }

  /// Every open unbonding row, with its asset's clock.
  func forEachStoredUnbonding(_ body: (StoredUnbonding) throws -> Void) throws {
    try forEachRow(
      """
      SELECT u.asset, u.delegator, u.validator, u.entry_id, u.matures_time, s.clock_time
      FROM unbonding u LEFT JOIN assets s ON s.symbol = u.asset
      """
    ) { row in
      try body(
        StoredUnbonding(
          asset: row.text(0) ?? "", delegator: row.text(1) ?? "", validator: row.text(2) ?? "",
          entry: row.text(3) ?? "", maturesTime: row.integer(4), assetClockTime: row.integer(5)))
    }
  }

  /// The number of entries and their smallest and largest sequence numbers.
  func entrySequenceBounds() throws -> (count: Int64, first: Int64?, last: Int64?) {
    try firstRow("SELECT count(*), min(seq), max(seq) FROM entries") {
      ($0.integer(0) ?? 0, $0.integer(1), $0.integer(2))
    } ?? (0, nil, nil)
  }

  /// Every entry's sequence number, in order.
  func forEachEntrySequence(_ body: (Int64) throws -> Void) throws {
    try forEachRow("SELECT seq FROM entries ORDER BY seq") { row in try body(row.integer(0)!) }
  }

  /// Every entry except prices in sequence order: its asset, height and time, and its payload
  /// when its kind is one of `payloadKinds`.
  func forEachEntryClock(
    payloadKinds: [EntryKind],
    _ body: (
      _ sequence: Int64, _ asset: String?, _ height: Int64?, _ time: Int64?, _ payload: String?
    ) throws -> Void
  ) throws {
    let kinds = payloadKinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    try forEachRow(
      "SELECT seq, asset, height, time, CASE WHEN kind IN (\(kinds)) THEN payload END FROM entries WHERE kind <> 'price' ORDER BY seq"
    ) { row in
      try body(row.integer(0)!, row.text(1), row.integer(2), row.integer(3), row.text(4))
    }
  }

  /// Every entry of the given kinds (never transfers) in sequence order: its kind and payload
  /// text and its time.
  func forEachEntryPayload(
    kinds: [EntryKind],
    _ body: (_ sequence: Int64, _ kind: String, _ payload: String, _ time: Int64?) throws -> Void
  ) throws {
    let placeholders = kinds.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
    try forEachRow(
      "SELECT seq, kind, payload, time FROM entries WHERE kind IN (\(placeholders)) AND kind <> 'transfer' ORDER BY seq",
      kinds.map { .text($0.rawValue) }
    ) { row in try body(row.integer(0)!, row.text(1) ?? "", row.text(2) ?? "", row.integer(3)) }
  }

  /// The stored hash of entry `sequence` as hex, nil when there is no such entry or no hash.
  func storedHashHex(ofEntry sequence: Int64) throws -> String? {
    try firstRow("SELECT hash FROM entries WHERE seq = $1", [.integer(sequence)]) {
      $0.hashHex(0)
    } ?? nil
  }

  /// Whether an entry has the hash `bytes`.
  func containsEntry(hash bytes: [UInt8]) throws -> Bool {
    try firstRow("SELECT 1 FROM entries WHERE hash = $1", [.blob(bytes)]) { _ in true } ?? false
  }
}
