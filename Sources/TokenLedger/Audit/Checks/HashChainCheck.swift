/// Recomputes every entry's hash from its fields and postings, chained from the genesis hash.
/// Any edit, insertion or deletion of an entry or posting, or of an account a posting names,
/// breaks the chain at that entry.
struct HashChainCheck: IndependentCheck {
  let name = "hashChain"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try run(context.database, through: Int64.max, &violations)
  }

  /// Checks the entries up to `last`. The canonical bytes are built from the
  /// stored columns' bytes, never decoded into Strings or values: any byte changed in a hashed
  /// column changes the hash, and a million entries take one pass of SQLite's reads and
  /// SHA-256.
  func run(_ database: Database, through last: Int64, _ violations: inout ViolationList) throws {
    try run(database, from: 1, through: last, &violations)
  }

  /// Checks entries `first` through `last`: each from the stored hash of the entry before it,
  /// so that ranges can be checked apart. The canonical bytes are built from the stored
  /// columns' bytes, never decoded into Strings or values: any byte changed in a hashed column
  /// changes the hash, and a million entries take one pass of SQLite's reads and SHA-256.
  ///
  /// `verified` is told, every 1,024 entries and at the end, the last entry up to which the
  /// chain has verified so far; it is not called again after a violation (an export writes
  /// only what it has been told).
  func run(
    _ database: Database, from first: Int64, through last: Int64,
    _ violations: inout ViolationList, verified: (Int64) -> Void = { _ in }
  ) throws {
    let format2From = try database.format2From()
    let entries = try database.hashedEntries(from: first, through: last)
    let postings = try database.hashedPostings(from: first, through: last)
    var accounts = try AccountBytes(database)
    var pending = try postings.next()
    // The previous entry's stored hash (32 bytes; zeros before the first entry).
    var previous = [UInt8](repeating: 0, count: 32)
    if first > 1, let stored = try database.storedHash(ofEntry: first - 1) { previous = stored }
    var previousHex = [UInt8](repeating: 0, count: 64)
    var canonical = HashChain.CanonicalBytes(capacity: 1024)
    var postingBytes = HashChain.CanonicalBytes(capacity: 512)
    while let row = try entries.next() {
      let sequence = row.integer(Database.HashedEntryColumn.sequence)!
      while let posting = pending,
        (posting.integer(Database.HashedPostingColumn.sequence) ?? 0) < sequence
      {
        let orphan = posting.integer(Database.HashedPostingColumn.sequence) ?? 0
        violations.append(Violation("posting of missing entry \(orphan)", sequence: orphan))
        pending = try postings.next()
      }
      postingBytes.removeAll()
      var count: Int64 = 0
      while let posting = pending,
        posting.integer(Database.HashedPostingColumn.sequence) == sequence
      {
        posting.withTextBytes(Database.HashedPostingColumn.asset) { postingBytes.field($0) }
        try accounts.append(posting.integer(Database.HashedPostingColumn.from), to: &postingBytes)
        try accounts.append(posting.integer(Database.HashedPostingColumn.to), to: &postingBytes)
        posting.withTextBytes(Database.HashedPostingColumn.amount) { postingBytes.field($0) }
        count += 1
        pending = try postings.next()
      }
      canonical.removeAll()
      Self.appendChainStart(
        &canonical, formatOne: sequence < format2From, previous: previous,
        previousHex: &previousHex)
      canonical.field(integer: sequence)
      Self.appendEntryFields(row, to: &canonical)
      canonical.field(integer: count)
      canonical.append(bytes: postingBytes.bytes)
      let computed = canonical.digest()
      let matches = row.withBlobBytes(Database.HashedEntryColumn.hash) { stored in
        stored.map { $0.elementsEqual(computed) }
      }
      if matches != true { violations.append(Self.mismatch(row, sequence, computed)) }
      row.withBlobBytes(Database.HashedEntryColumn.hash) { stored in
        previous.removeAll(keepingCapacity: true)
        if let stored { previous.append(contentsOf: stored) }
      }
      // Entry `sequence - 1` is whole: its postings are read and none of a missing entry
      // lies before it (entry `sequence`'s own may still be followed by an orphan).
      if sequence & 1023 == 0, violations.count == 0 { verified(sequence - 1) }
    }
    while let posting = pending {
      let orphan = posting.integer(Database.HashedPostingColumn.sequence) ?? 0
      violations.append(Violation("posting of missing entry \(orphan)", sequence: orphan))
      pending = try postings.next()
    }
    if violations.count == 0 { verified(last) }
  }
}

extension HashChainCheck {
  /// An entry whose stored hash is not the one its fields give.
  fileprivate static func mismatch<Digest: Sequence<UInt8>>(
    _ row: Row, _ sequence: Int64, _ computed: Digest
  ) -> Violation {
    Violation(
      "entry \(sequence) does not hash to its stored hash (edited entry, posting or account)",
      sequence: sequence, idempotencyId: row.idText(Database.HashedEntryColumn.id),
      expected: HashChain.hex(Array(computed)),
      actual: row.hashHex(Database.HashedEntryColumn.hash) ?? "NULL")
  }

  /// The hash's first fields: its domain, and the previous entry's hash (as hex text in
  /// format 1, as its 32 bytes in format 2).
  @inline(__always)
  fileprivate static func appendChainStart(
    _ canonical: inout HashChain.CanonicalBytes, formatOne: Bool, previous: [UInt8],
    previousHex: inout [UInt8]
  ) {
    if formatOne {
      canonical.field(HashChain.domain)
      if previous.count == 32 {
        HashChain.hexDigits(previous, into: &previousHex)
        previousHex.withUnsafeBufferPointer { canonical.field($0) }
      } else {
        // A stored hash of the wrong length (its CHECK bypassed): reported at its own entry.
        canonical.field(HashChain.hex(previous))
      }
    } else {
      canonical.field(HashChain.domain2)
      previous.withUnsafeBufferPointer { canonical.field($0) }
    }
  }

  /// The entry's fields after its sequence, as stored: the id as text (an on-chain id is
  /// stored as a BLOB, ``StoredId``), kind, asset, payload, height and time.
  @inline(__always)
  fileprivate static func appendEntryFields(
    _ row: Row, to canonical: inout HashChain.CanonicalBytes
  ) {
    row.withBlobBytes(Database.HashedEntryColumn.id) { stored in
      if let stored, row.isBlob(Database.HashedEntryColumn.id) {
        StoredId.text(compact: stored).withUnsafeBufferPointer { canonical.field($0) }
      } else {
        row.withTextBytes(Database.HashedEntryColumn.id) { canonical.field($0) }
      }
    }
    for column in Database.HashedEntryColumn.texts {
      row.withTextBytes(column) { canonical.field($0) }
    }
    canonical.field(integer: row.integer(Database.HashedEntryColumn.height))
    canonical.field(integer: row.integer(Database.HashedEntryColumn.time))
  }
}

/// The canonical bytes of accounts by id, as the hash chain encodes them (holder, bucket kind,
/// validator, detail; four `-` for an account that does not exist), read once each: a posting
/// names two accounts, and a B-tree lookup per account per posting was a fifth of the check.
/// Bounded: emptied when it holds ``Limits/auditAccountsCached`` accounts.
private struct AccountBytes {
  /// The four fields of an account that does not exist, as a LEFT JOIN would give them.
  private static let missing = Array("----".utf8)
  private let lookup: PreparedStatement
  private var known: [Int64: [UInt8]] = [:]

  init(_ database: Database) throws {
    lookup = try database.accountFieldsLookup()
  }

  mutating func append(_ id: Int64?, to output: inout HashChain.CanonicalBytes) throws {
    guard let id else {
      output.append(bytes: Self.missing)
      return
    }
    if let bytes = known[id] {
      output.append(bytes: bytes)
      return
    }
    var encoded = HashChain.CanonicalBytes(capacity: 96)
    let found: Bool =
      try lookup.firstRow([.integer(id)]) { row in
        for column in 0..<4 { row.withTextBytes(column) { encoded.field($0) } }
        return true
      } ?? false
    if !found { encoded.append(bytes: Self.missing) }
    if known.count >= Limits.auditAccountsCached { known.removeAll(keepingCapacity: true) }
    known[id] = encoded.bytes
    output.append(bytes: encoded.bytes)
  }
}
