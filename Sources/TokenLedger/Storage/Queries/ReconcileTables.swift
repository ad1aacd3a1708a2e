/// The scratch tables a reconciliation keeps on its own connection (TEMP tables: memory stays
/// flat whatever the source's size, and the ledger is not written): the keys of the source
/// seen so far, and for balance sources the ledger's side and the source's rows.
final class ReconcileTables {
  private let database: Database
  private let insertSeen: PreparedStatement
  /// The schema of the temporary tables, and the one an index on one is created in (SQLite
  /// names it; PostgreSQL puts the index beside its table).
  private let temp: String
  private let indexSchema: String

  /// Creates (or empties) the tables.
  init(_ database: Database) throws {
    self.database = database
    let temp = database.temporarySchema
    self.temp = temp
    self.indexSchema = database.temporaryIndexPrefix
    try database.executeScript(
      """
      CREATE TEMP TABLE IF NOT EXISTS reconcile_seen (key TEXT PRIMARY KEY)\(database.keyTableOptions);
      CREATE TEMP TABLE IF NOT EXISTS reconcile_state (holder TEXT, bucket TEXT, validator TEXT, amount TEXT);
      CREATE TEMP TABLE IF NOT EXISTS reconcile_source (holder TEXT, bucket TEXT, validator TEXT, amount TEXT);
      DELETE FROM \(temp).reconcile_seen;
      DELETE FROM \(temp).reconcile_state;
      DELETE FROM \(temp).reconcile_source;
      """)
    insertSeen = try database.prepare(
      "INSERT INTO \(temp).reconcile_seen (key) VALUES ($1) ON CONFLICT DO NOTHING")
  }

  /// Records `key` as seen; false when it was seen before.
  func markSeen(_ key: String) throws -> Bool {
    try insertSeen.execute([.text(key)])
    return database.changes == 1
  }

  /// Empties every table (the TEMP tables live as long as the connection).
  func clear() throws {
    try database.executeScript(
      """
      DELETE FROM \(temp).reconcile_seen;
      DELETE FROM \(temp).reconcile_state;
      DELETE FROM \(temp).reconcile_source;
      """)
  }

  // MARK: The ledger's side

  /// Fills the ledger's side: `body` is handed a function that adds one row (holder, bucket
  /// kind, validator column, amount); the side is indexed by holder after it.
  func loadLedgerSide(
    _ body: (_ add: (String, String, String, SignedAmount) throws -> Void) throws -> Void
  ) throws {
    let insertState = try database.prepare(
      "INSERT INTO \(temp).reconcile_state VALUES ($1, $2, $3, $4)")
    try body { holder, bucket, validator, amount in
      try insertState.execute([
        .text(holder), .text(bucket), .text(validator), .text(amount.description),
      ])
    }
    try database.executeScript(
      "CREATE INDEX IF NOT EXISTS \(indexSchema)reconcile_state_by_holder ON reconcile_state (holder)"
    )
  }

  /// Keeps only the ledger side's staked rows.
  func keepOnlyStaked() throws {
    try database.executeScript("DELETE FROM \(temp).reconcile_state WHERE bucket <> 'staked'")
  }

  /// The ledger's amount of `holder` at a source row's granularity: its total (no bucket), a
  /// bucket on all validators (no validator), or one bucket on one validator. Nil when the
  /// ledger side has no row for it at all.
  func ledgerAmount(holder: String, bucket: String?, validator: String?) throws -> SignedAmount? {
    let lookup = try cachedLookup()
    let text =
      try lookup.firstRow([.text(holder), SQLValue(bucket), SQLValue(validator)]) { $0.text(0) }
      ?? nil
    return text.flatMap { SignedAmount(text: $0) }
  }

  private var lookup: PreparedStatement?

  private func cachedLookup() throws -> PreparedStatement {
    if let lookup { return lookup }
    let made = try database.prepare(
      """
      SELECT amount_sum(amount) FROM \(temp).reconcile_state
      WHERE holder = $1 AND (CAST($2 AS TEXT) IS NULL OR bucket = $2)
        AND (CAST($3 AS TEXT) IS NULL OR validator = $3)
      """)
    lookup = made
    return made
  }

  // MARK: The source's side

  private var insertSource: PreparedStatement?

  /// Adds a source row (bucket `total` for a holder's total, validator empty for none).
  func addSourceRow(holder: String, bucket: String, validator: String, amount: Amount) throws {
    if insertSource == nil {
      insertSource = try database.prepare(
        "INSERT INTO \(temp).reconcile_source VALUES ($1, $2, $3, $4)")
    }
    try insertSource!.execute([
      .text(holder), .text(bucket), .text(validator), .text(DecimalText.string(amount.baseUnits)),
    ])
  }

  /// Indexes the source rows by key. The coverage and total queries look source rows up by
  /// holder: without the index each ledger row would scan the whole source (22,714 keys: 80 s
  /// instead of a second).
  func finishSource() throws {
    try database.executeScript(
      """
      CREATE INDEX IF NOT EXISTS \(indexSchema)reconcile_source_by_key
        ON reconcile_source (holder, bucket, validator)
      """)
  }

  /// Every ledger amount (holder, bucket, validator) no source row covers at any granularity
  /// (that bucket and validator, that bucket without a validator, or the holder's total), in
  /// key order.
  func forEachUncovered(
    _ body: (_ holder: String, _ bucket: String, _ validator: String, SignedAmount) throws -> Void
  ) throws {
    try database.forEachRow(
      """
      SELECT l.holder, l.bucket, l.validator, amount_sum(l.amount) FROM \(temp).reconcile_state l
      WHERE NOT EXISTS (
        SELECT 1 FROM \(temp).reconcile_source s WHERE s.holder = l.holder AND (
          s.bucket = 'total' OR (s.bucket = l.bucket AND (s.validator = '' OR s.validator = l.validator))))
      GROUP BY l.holder, l.bucket, l.validator ORDER BY l.holder, l.bucket, l.validator
      """
    ) { row in
      try body(
        row.text(0) ?? "", row.text(1) ?? "", row.text(2) ?? "",
        SignedAmount(text: row.text(3) ?? "0") ?? .zero)
    }
  }

  /// The ledger side's holders, its total, and the holders some source row names.
  func ledgerSummary() throws -> (holders: Int, total: SignedAmount, covered: Int) {
    try database.firstRow(
      """
      SELECT count(DISTINCT holder), amount_sum(amount),
        (SELECT count(DISTINCT holder) FROM \(temp).reconcile_state l
         WHERE EXISTS (SELECT 1 FROM \(temp).reconcile_source s WHERE s.holder = l.holder))
      FROM \(temp).reconcile_state
      """
    ) { row in
      (
        Int(row.integer(0) ?? 0), SignedAmount(text: row.text(1) ?? "0") ?? .zero,
        Int(row.integer(2) ?? 0)
      )
    } ?? (0, .zero, 0)
  }

  /// The source's whole holdings, each holder counted once: its total row, else per bucket its
  /// row without validator, else its validator rows.
  func sourceTotal() throws -> SignedAmount {
    try database.firstRow(
      """
      SELECT amount_sum(amount) FROM \(temp).reconcile_source s
      WHERE s.bucket = 'total'
        OR (NOT EXISTS (SELECT 1 FROM \(temp).reconcile_source t WHERE t.holder = s.holder AND t.bucket = 'total')
          AND (s.validator = '' OR NOT EXISTS (SELECT 1 FROM \(temp).reconcile_source t
            WHERE t.holder = s.holder AND t.bucket = s.bucket AND t.validator = '')))
      """
    ) { row in SignedAmount(text: row.text(0) ?? "0") ?? .zero } ?? .zero
  }
}

extension Database {
  /// When unbonding entry `entry` of `delegator` on `validator` matures; nil when it is not
  /// open.
  func unbondingMaturity(asset: String, delegator: String, validator: String, entry: String)
    throws -> Int64?
  {
    try firstRow(
      """
      SELECT matures_time FROM unbonding
      WHERE asset = $1 AND delegator = $2 AND validator = $3 AND entry_id = $4
      """, [.text(asset), .text(delegator), .text(validator), .text(entry)]
    ) { $0.integer(0) } ?? nil
  }
}
