import TokenLedger

extension LateLockShape {
  /// The statement, PostgreSQL's only: data-modifying common table expressions (all run, in
  /// one snapshot taken after the lock; the foreign keys are checked at its end). `head`
  /// yields one row when every check holds and none otherwise, and everything else is
  /// written from its row. Returns the entry's sequence, hash and previous hash; when fewer
  /// balance rows were updated than proven to exist (an invariant broken), the statement fails
  /// and its transaction with it.
  var sql: String {
    // Parameters are numbered in the order the values are bound.
    var parameter = 0
    func next(_ type: String) -> String {
      parameter += 1
      return "CAST($\(parameter) AS \(type))"
    }
    var checks: [String] = []
    if checksId {
      checks.append("NOT EXISTS (SELECT 1 FROM entries WHERE idempotency_id = \(next("TEXT")))")
    }
    for _ in 0..<balancesRead {
      checks.append(
        """
        COALESCE((SELECT amount || ',' || CAST(last_entry AS TEXT) FROM balances \
        WHERE account_id = \(next("BIGINT")) AND asset = \(next("TEXT"))), '0,0') = \(next("TEXT"))
        """)
    }
    for _ in 0..<assetsRead {
      checks.append(
        """
        EXISTS (SELECT 1 FROM assets WHERE symbol = \(next("TEXT")) \
        AND clock_height IS NOT DISTINCT FROM \(next("BIGINT")) \
        AND clock_time IS NOT DISTINCT FROM \(next("BIGINT")) AND paused = \(next("INTEGER")))
        """)
    }
    let entryValues = ["TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "BIGINT", "BYTEA", "BYTEA"].map(
      next)
    var sql = """
      WITH last AS (SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1),
      head AS (
        SELECT COALESCE((SELECT seq FROM last), 0) + 1 AS seq,
          COALESCE((SELECT hash FROM last), decode(repeat('00', 32), 'hex')) AS previous
        WHERE \(checks.isEmpty ? "TRUE" : checks.joined(separator: "\n    AND "))
      ),
      entry AS (
        INSERT INTO entries (seq, idempotency_id, kind, asset, payload, height, time, hash)
        SELECT seq, \(entryValues[0]), \(entryValues[1]), \(entryValues[2]), \(entryValues[3]),
          \(entryValues[4]), \(entryValues[5]),
          sha256(\(entryValues[6]) || previous
            || convert_to(length(CAST(seq AS TEXT)) || ':' || CAST(seq AS TEXT), 'UTF8')
            || \(entryValues[7]))
        FROM head
        RETURNING seq, hash
      )
      """
    if postings > 0 {
      let rows = (0..<postings).map { _ in
        "("
          + ["INTEGER", "TEXT", "BIGINT", "BIGINT", "TEXT", "BIGINT", "BIGINT"].map(next)
          .joined(separator: ", ") + ")"
      }
      sql += """
        ,
        posted AS (
          INSERT INTO postings (entry_seq, posting_index, asset, from_account, to_account, amount,
            from_previous, to_previous)
          SELECT entry.seq, p.i, p.a, p.f, p.t, p.m, p.fp, p.tp
          FROM entry, (VALUES \(rows.joined(separator: ", ")))
            AS p (i, a, f, t, m, fp, tp)
        )
        """
    }
    func balanceRows(_ count: Int) -> String {
      (0..<count).map { _ in
        "(" + ["BIGINT", "TEXT", "TEXT"].map(next).joined(separator: ", ") + ")"
      }
      .joined(separator: ", ")
    }
    if balancesUpdated > 0 {
      sql += """
        ,
        updated AS (
          UPDATE balances SET amount = b.m, last_entry = entry.seq
          FROM entry, (VALUES \(balanceRows(balancesUpdated)))
            AS b (k, a, m)
          WHERE balances.account_id = b.k AND balances.asset = b.a
          RETURNING 1
        )
        """
    }
    if balancesUpserted > 0 {
      sql += """
        ,
        upserted AS (
          INSERT INTO balances (account_id, asset, amount, last_entry)
          SELECT b.k, b.a, b.m, entry.seq
          FROM entry, (VALUES \(balanceRows(balancesUpserted)))
            AS b (k, a, m)
          WHERE TRUE
          ON CONFLICT (account_id, asset) DO UPDATE
          SET amount = excluded.amount, last_entry = excluded.last_entry
        )
        """
    }
    guard balancesUpdated > 0 else {
      return sql + "\nSELECT entry.seq, entry.hash, head.previous FROM entry, head"
    }
    // The count is a run-time value, so the failing cast cannot be folded at planning; CASE
    // evaluates it only when the count is wrong.
    return sql + """

      SELECT CASE WHEN u.n = \(balancesUpdated) THEN entry.seq
          ELSE CAST('\(Self.balanceRowsMissing)' || CAST(u.n AS TEXT) AS BIGINT) END,
        entry.hash, head.previous
      FROM entry, head, (SELECT count(*) AS n FROM updated) AS u
      """
  }
}
