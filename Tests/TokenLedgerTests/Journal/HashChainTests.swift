import Testing

@testable import TokenLedger

/// Proves the hash chain's canonical bytes: length-prefixed fields (so names cannot run into
/// each other) with lengths written exactly as decimal text.
@Suite struct HashChainTests {
  @Test(arguments: [0, 7, 9, 10, 99, 100, 12_345, Int(Int32.max), Int.max])
  func decimalLengthsMatchTheirText(value: Int) {
    var bytes: [UInt8] = [0xFF]
    HashChain.appendDecimal(value, to: &bytes)
    #expect(bytes == [0xFF] + Array(String(value).utf8))
  }

  @Test func fieldsAreLengthPrefixedSoNamesCannotRunTogether() {
    var first = HashChain.CanonicalBytes(capacity: 8)
    first.field("ab")
    first.field("c")
    var second = HashChain.CanonicalBytes(capacity: 8)
    second.field("a")
    second.field("bc")
    #expect(first.bytes != second.bytes)
    #expect(String(decoding: first.bytes, as: UTF8.self) == "2:ab1:c")
    var absent = HashChain.CanonicalBytes(capacity: 8)
    absent.field(nil as String?)
    absent.field("")
    #expect(String(decoding: absent.bytes, as: UTF8.self) == "-0:")
  }

  @Test(arguments: [nil, 0, 9, 10, 1_700_000_000, -1, -86_400, Int64.max, Int64.min])
  func integerFieldsAreTheirDecimalText(value: Int64?) {
    var canonical = HashChain.CanonicalBytes(capacity: 32)
    canonical.field(integer: value)
    var expected = HashChain.CanonicalBytes(capacity: 32)
    expected.field(value.map { String($0) })
    #expect(canonical.bytes == expected.bytes)
  }
}

/// The public `HashChain.entryHash` recomputes a ledger's chain from its stored rows alone.
@Suite struct EntryHashTests {
  @Test func theStoredChainIsRecomputedFromTheRows() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: RandomOperations.setup)
    let numbers = (0..<2000).map { ($0 &* 7919 &+ 17) % 1_000_003 }
    try ledger.apply(jsonLines: RandomOperations.lines(numbers), mode: .independent)
    // Transfers: one its posting states (stored without payload), one with a time (stored).
    try ledger.apply(jsonLines: [
      #"{"op":"mint","id":"t-0","asset":"TAO","to":"alice","amount":"10"}"#,
      #"{"op":"transfer","id":"t-1","asset":"TAO","from":"alice","to":"bob","amount":"1.5"}"#,
      #"{"op":"transfer","id":"t-2","asset":"TAO","from":"alice","to":"bob","amount":"2","time":"2030-01-01T00:00:00Z"}"#,
    ])
    let rows = try ledger.read { journal in
      var entries:
        [(
          sequence: Int64, id: String?, kind: String, asset: String?, payload: String?,
          height: Int64?, time: Int64?, hash: String
        )] = []
      try journal.database.forEachRow(
        "SELECT seq, idempotency_id, kind, asset, payload, height, time, hash FROM entries ORDER BY seq"
      ) { row in
        entries.append(
          (
            row.integer(0)!, row.text(1), row.text(2)!, row.text(3), row.text(4), row.integer(5),
            row.integer(6), row.hashHex(7)!
          ))
      }
      var postings: [Int64: [Posting]] = [:]
      try journal.database.forEachRow(
        """
        SELECT p.entry_seq, p.asset, f.holder, f.bucket, f.validator, f.detail,
               t.holder, t.bucket, t.validator, t.detail, p.amount
        FROM postings p JOIN accounts f ON f.id = p.from_account JOIN accounts t ON t.id = p.to_account
        ORDER BY p.entry_seq, p.posting_index
        """
      ) { row in
        let from = Account(
          holder: row.text(2)!,
          bucket: Bucket(kind: row.text(3)!, validator: row.text(4)!, detail: row.text(5)!)!)
        let to = Account(
          holder: row.text(6)!,
          bucket: Bucket(kind: row.text(7)!, validator: row.text(8)!, detail: row.text(9)!)!)
        postings[row.integer(0)!, default: []].append(
          Posting(
            asset: row.text(1)!, from: from, to: to, amount: Amount(baseUnitText: row.text(10)!)!))
      }
      return (entries, postings)
    }
    #expect(rows.0.count > 100)
    // Transfers that their posting states store no payload; the others store one without the id.
    #expect(rows.0.contains { $0.id == "t-1" && $0.payload == nil })
    #expect(rows.0.contains { $0.id == "t-2" && $0.payload?.contains("2030") == true })
    #expect(rows.0.allSatisfy { $0.payload.map { !$0.contains(#""id":"#) } ?? true })
    var previous = HashChain.genesis
    for entry in rows.0 {
      let hash = HashChain.entryHash(
        format: .two, previous: previous, sequence: entry.sequence, idempotencyId: entry.id,
        kind: entry.kind,
        asset: entry.asset, payload: entry.payload, height: entry.height, time: entry.time,
        postings: rows.1[entry.sequence] ?? [])
      #expect(hash == entry.hash, "entry \(entry.sequence)")
      previous = entry.hash
    }
    #expect(previous == (try ledger.summary().headHash))
  }
}
