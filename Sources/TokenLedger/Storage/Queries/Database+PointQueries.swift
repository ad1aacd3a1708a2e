/// The reads of the journal up to a point in time: postings summed into balances there, the
/// entries an allowance's history is made of.
extension Database {
  /// The WHERE condition (on entries named `e`, its one parameter `$1`) that keeps the
  /// entries up to `point`. An entry without a height (or time) is kept at every height (or
  /// time).
  static func entryFilter(_ point: PointInTime) -> (String, SQLValue) {
    switch point {
    case .now: ("$1 = 1", .integer(1))
    case .sequence(let sequence): ("e.seq <= $1", .integer(sequence))
    case .height(let height): ("(e.height IS NULL OR e.height <= $1)", .integer(height))
    case .time(let time): ("(e.time IS NULL OR e.time <= $1)", .integer(time.unixSeconds))
    }
  }

  /// Every balance row's account id, asset and amount.
  func forEachBalanceAmount(_ body: (Int64, String, SignedAmount) throws -> Void) throws {
    try forEachRow("SELECT account_id, asset, amount FROM balances") { row in
      try body(row.integer(0)!, row.text(1)!, try Self.decodedAmount(row.text(2)!))
    }
  }

  /// Each posting up to `point` (from, to, asset, base units), in no particular order.
  func forEachPosting(
    upTo point: PointInTime, _ body: (Int64, Int64, String, UInt128) throws -> Void
  ) throws {
    guard case .sequence(let sequence) = point else {
      let (filter, value) = Self.entryFilter(point)
      return try forEachPosting(
        "FROM entries e JOIN postings p ON p.entry_seq = e.seq WHERE \(filter)", value, body)
    }
    try forEachPosting("FROM postings p WHERE p.entry_seq <= $1", .integer(sequence), body)
  }

  /// Each posting of an entry after `sequence`.
  func forEachPosting(
    after sequence: Int64, _ body: (Int64, Int64, String, UInt128) throws -> Void
  ) throws {
    try forEachPosting("FROM postings p WHERE p.entry_seq > $1", .integer(sequence), body)
  }

  /// The postings `source` (a FROM clause naming them `p`, one parameter) selects.
  private func forEachPosting(
    _ source: String, _ value: SQLValue, _ body: (Int64, Int64, String, UInt128) throws -> Void
  ) throws {
    try forEachRow("SELECT p.from_account, p.to_account, p.asset, p.amount \(source)", [value]) {
      row in
      let amount = row.withTextBytes(3) { bytes in bytes.flatMap { DecimalText.parseDigits($0) } }
      guard let from = row.integer(0), let to = row.integer(1), let asset = row.text(2),
        let amount
      else {
        throw DatabaseError(resultCode: 11, message: "a posting has a missing account or amount")
      }
      try body(from, to, asset, amount)
    }
  }

  /// The approve, transferFrom and burnFrom entries up to `point`, in order: kind and payload.
  func forEachAllowanceEntry(
    upTo point: PointInTime, _ body: (_ kind: String, _ payload: String?) throws -> Void
  ) throws {
    let (filter, value) = Self.entryFilter(point)
    try forEachRow(
      "SELECT kind, payload FROM entries e WHERE kind IN ('approve', 'transferFrom', 'burnFrom') AND kind <> 'transfer' AND \(filter) ORDER BY seq",
      [value]
    ) { row in try body(row.text(0) ?? "", row.text(1)) }
  }
}
