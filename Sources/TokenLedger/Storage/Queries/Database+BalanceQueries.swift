/// The reads of balances, accounts and allowances that reports, liabilities and the state
/// digest make, decoded into the domain's types here; a stored value that does not decode is a
/// ``DatabaseError`` naming it (the audit names where it came from).
///
/// These read the tables, not the journal's write cache: the journal flushes before it calls
/// them.
extension Database {
  /// A stored bucket kind, decoded.
  static func decodedKind(_ text: String) throws -> Bucket.Kind {
    guard let kind = Bucket.Kind(rawValue: text) else {
      throw DatabaseError(resultCode: 11, message: "unknown bucket kind '\(text.prefix(40))'")
    }
    return kind
  }

  /// A stored signed amount, decoded.
  static func decodedAmount(_ text: String) throws -> SignedAmount {
    guard let amount = SignedAmount(text: text) else {
      throw DatabaseError(resultCode: 11, message: "'\(text.prefix(60))' is not a stored amount")
    }
    return amount
  }

  /// A stored bucket (kind, validator, detail), decoded; `holder` names it in the error.
  private static func decodedBucket(_ row: Row, from first: Int, holder: String) throws -> Bucket {
    guard
      let bucket = Bucket(
        kind: row.text(first) ?? "", validator: row.text(first + 1) ?? "",
        detail: row.text(first + 2) ?? "")
    else {
      throw DatabaseError(resultCode: 11, message: "account of \(holder) has a malformed bucket")
    }
    return bucket
  }

  /// Every non-zero balance row: holder, bucket kind, asset and amount.
  func forEachNonZeroHolderBalance(
    _ body: (String, Bucket.Kind, String, SignedAmount) throws -> Void
  ) throws {
    try forEachRow(
      "SELECT a.holder, a.bucket, b.asset, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id WHERE b.amount <> '0'"
    ) { row in
      try body(
        row.text(0)!, try Self.decodedKind(row.text(1)!), row.text(2)!,
        try Self.decodedAmount(row.text(3)!))
    }
  }

  /// Every non-zero balance row by full account: account, asset and amount.
  func forEachNonZeroAccountBalance(_ body: (Account, String, SignedAmount) throws -> Void)
    throws
  {
    try forEachRow(
      """
      SELECT a.holder, a.bucket, a.validator, a.detail, b.asset, b.amount
      FROM balances b JOIN accounts a ON a.id = b.account_id WHERE b.amount <> '0'
      """
    ) { row in
      let holder = row.text(0)!
      let bucket = try Self.decodedBucket(row, from: 1, holder: holder)
      try body(
        Account(holder: holder, bucket: bucket), row.text(4)!, try Self.decodedAmount(row.text(5)!))
    }
  }

  /// Every account's id, holder and bucket kind.
  func forEachAccountKind(_ body: (Int64, String, Bucket.Kind) throws -> Void) throws {
    try forEachRow("SELECT id, holder, bucket FROM accounts") { row in
      try body(row.integer(0)!, row.text(1)!, try Self.decodedKind(row.text(2)!))
    }
  }

  /// Every account by id.
  func forEachAccount(_ body: (Int64, Account) throws -> Void) throws {
    try forEachRow("SELECT id, holder, bucket, validator, detail FROM accounts") { row in
      let holder = row.text(1)!
      try body(
        row.integer(0)!,
        Account(holder: holder, bucket: try Self.decodedBucket(row, from: 2, holder: holder)))
    }
  }

  /// `holder`'s non-zero buckets of `asset`, ordered by kind, validator and detail.
  func forEachNonZeroBucket(
    holder: String, asset: String, _ body: (Bucket, SignedAmount) throws -> Void
  ) throws {
    try forEachRow(
      """
      SELECT a.bucket, a.validator, a.detail, b.amount FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE a.holder = $1 AND b.asset = $2 AND b.amount <> '0' ORDER BY a.bucket, a.validator, a.detail
      """, [.text(holder), .text(asset)]
    ) { row in
      try body(
        try Self.decodedBucket(row, from: 0, holder: holder), try Self.decodedAmount(row.text(3)!))
    }
  }

  /// Each holder's non-zero balances of `asset` (not system accounts), in holder order: a
  /// holder's accounts are adjacent in the accounts index (holder first), so its rows come
  /// together.
  func forEachHolderBalance(asset: String, _ body: (String, UInt128) throws -> Void) throws {
    try forEachRow(
      """
      SELECT a.holder, b.amount FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE b.asset = $1 AND \(doesNotStartWith("a.holder", "@")) AND b.amount <> '0'
      ORDER BY a.holder
      """, [.text(asset)]
    ) { row in
      guard let holder = row.text(0), let text = row.text(1), let amount = UInt128(text) else {
        throw DatabaseError(resultCode: 11, message: "a holder balance of \(asset) is malformed")
      }
      try body(holder, amount)
    }
  }

  /// Every non-zero allowance: asset, owner, spender and amount.
  func forEachNonZeroAllowance(
    _ body: (_ asset: String, _ owner: String, _ spender: String, AllowanceAmount) throws -> Void
  ) throws {
    try forEachRow("SELECT asset, owner, spender, amount FROM allowances WHERE amount <> '0'") {
      row in
      guard let amount = AllowanceAmount(storedText: row.text(3)!) else {
        throw DatabaseError(resultCode: 11, message: "malformed allowance")
      }
      try body(row.text(0)!, row.text(1)!, row.text(2)!, amount)
    }
  }
}
