import Crypto
import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// A publication's proofs in two files instead of one file per holder (contract, "Proof
/// bundles"): `proofs.jsonl`, every proof's canonical JSON a line in leaf (commitment) order,
/// and `proofs.index`, a record of 40 bytes per holder — the SHA-256 of the canonical
/// account's UTF-8 bytes, then the big-endian byte offset of its line — sorted by the hash, so
/// that one customer's proof is found by binary search with bounded memory. Both are the
/// custodian's: a name in them tells who is a customer; each customer is handed its own line.
public enum LiabilityBundle {
  /// The proofs, one a line.
  public static let proofsFile = "proofs.jsonl"
  /// The index: account hash → line offset.
  public static let indexFile = "proofs.index"
  static let recordSize = 40

  /// The proof of `account` (its canonical form, as the ledger names it) in the bundle
  /// written to `directory`; nil when the bundle holds none for it. A bundle whose index and
  /// proofs disagree is an error naming the record.
  public static func proof(inBundle directory: String, account: String) throws -> LiabilityProof? {
    let index = try ReadFile(directory + "/" + indexFile)
    defer { index.close() }
    let size = try index.size()
    guard size % recordSize == 0 else {
      throw LedgerError(
        .invalidOperation,
        "liability-proof: \(index.path) is \(size) bytes, not a whole number of \(recordSize)-byte records"
      )
    }
    let key = Array(SHA256.hash(data: Array(account.utf8)))
    var low = 0
    var high = size / recordSize
    var found: UInt64?
    while low < high {
      let middle = (low + high) / 2
      let record = try index.read(at: middle * recordSize, count: recordSize)
      let hash = record[0..<32]
      if hash.elementsEqual(key) {
        found = record[32..<40].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        break
      }
      if hash.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
    }
    guard let offset = found else { return nil }
    let proofs = try ReadFile(directory + "/" + proofsFile)
    defer { proofs.close() }
    let line = try proofs.line(at: Int(offset))
    let proof = try LiabilityProof(json: line)
    guard proof.account.utf8.elementsEqual(account.utf8) else {
      throw LedgerError(
        .invalidOperation,
        "liability-proof: the index points \(account.truncatedForMessage) at byte \(offset) of \(proofs.path), whose proof is of \(proof.account.truncatedForMessage)"
      )
    }
    return proof
  }
}

extension LiabilityPublication {
  /// Writes `proofs.jsonl` and `proofs.index` into `directory` (new files, never over an
  /// existing one). The proofs are built on every core in batches and written in leaf order,
  /// 1 MiB or more a `write`; memory stays bounded by the batch, and the index's records.
  func writeBundle(to directory: String, progress: (Int) -> Void) throws {
    let proofsPath = directory + "/" + LiabilityBundle.proofsFile
    let output = try WriteFile(proofsPath)
    defer { output.close() }
    let count = tree.holderCount
    let workers = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let chunk = 2048
    var hashes = [UInt8](repeating: 0, count: 32 * count)
    var offsets = [UInt64](repeating: 0, count: count)
    // A writer thread writes each batch while the next one is built on every core.
    let channel = BatchChannel<[UInt8]>(capacity: 2)
    let writer = BackgroundWork<Void>()
    writer.start {
      do {
        while let bytes = channel.receive() { try output.write(bytes) }
      } catch {
        channel.cancel()
        throw error
      }
    }
    let lines = ProofLineWriter(self)
    var position: UInt64 = 0
    var first = 0
    var sent = true
    while first < count && sent {
      let chunks = (0..<workers).map { first + $0 * chunk }.filter { $0 < count }
      let built = Built(count: chunks.count)
      DispatchQueue.concurrentPerform(iterations: chunks.count) { slot in
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunk * 2600)
        var lengths: [Int] = []
        var accountHashes: [UInt8] = []
        for index in chunks[slot]..<min(chunks[slot] + chunk, count) {
          let start = bytes.count
          lines.write(index: index, into: &bytes)
          lengths.append(bytes.count - start)
          accountHashes += SHA256.hash(data: Array(tree.accounts[index].utf8))
        }
        built.store(slot, (bytes, lengths, accountHashes))
      }
      for (slot, start) in chunks.enumerated() where sent {
        let (bytes, lengths, accountHashes) = built.take(slot)
        for (offset, length) in lengths.enumerated() {
          offsets[start + offset] = position
          position += UInt64(length)
        }
        hashes.replaceSubrange(
          (32 * start)..<(32 * start + accountHashes.count), with: accountHashes)
        sent = channel.send(bytes)
      }
      first = chunks.last! + chunk
      progress(min(first, count))
    }
    channel.close()
    try writer.wait()
    try output.sync()
    try Self.writeIndex(
      to: directory + "/" + LiabilityBundle.indexFile, hashes: hashes, offsets: offsets)
  }

  /// Writes `proofs.index`: one record per holder (the account's hash, then the offset of its
  /// proof line), sorted by the account's hash (the first 8 bytes, then the rest).
  private static func writeIndex(to path: String, hashes: [UInt8], offsets: [UInt64]) throws {
    let count = offsets.count
    func prefix(_ leaf: Int) -> UInt64 {
      hashes[(32 * leaf)..<(32 * leaf + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    let order = (0..<count).map { (prefix($0), $0) }.sorted { left, right in
      left.0 != right.0
        ? left.0 < right.0
        : hashes[(32 * left.1)..<(32 * left.1 + 32)].lexicographicallyPrecedes(
          hashes[(32 * right.1)..<(32 * right.1 + 32)])
    }.map(\.1)
    let index = try WriteFile(path)
    defer { index.close() }
    var records: [UInt8] = []
    records.reserveCapacity(min(count, 1 << 16) * LiabilityBundle.recordSize)
    for leaf in order {
      records += hashes[(32 * leaf)..<(32 * leaf + 32)]
      for shift in stride(from: 56, through: 0, by: -8) {
        records.append(UInt8(truncatingIfNeeded: offsets[leaf] >> UInt64(shift)))
      }
      if records.count >= 1 << 20 {
        try index.write(records)
        records.removeAll(keepingCapacity: true)
      }
    }
    try index.write(records)
    try index.sync()
  }
}

/// The chunks a batch's threads built, taken in order by the writer. `@unchecked Sendable` is
/// sound: its one mutable field is read and written only while `lock` is held.
private final class Built: @unchecked Sendable {
  private let lock = Lock()
  private var slots: [([UInt8], [Int], [UInt8])?]
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func store(_ slot: Int, _ value: ([UInt8], [Int], [UInt8])) {
    lock.withLock { slots[slot] = value }
  }
  func take(_ slot: Int) -> ([UInt8], [Int], [UInt8]) {
    lock.withLock {
      defer { slots[slot] = nil }
      return slots[slot]!
    }
  }
}

/// A new file written front to back (O_EXCL: never over an existing file).
///
/// `@unchecked Sendable` is sound: one thread at a time uses it — the bundle's writer thread
/// writes, and its owner syncs and closes it only after `wait()` has seen that thread finish.
final class WriteFile: @unchecked Sendable {
  let path: String
  private var descriptor: Int32

  init(_ path: String) throws {
    self.path = path
    descriptor = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }

  func write(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes {
        Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        throw FileError(path: path, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
  }

  func sync() throws {
    guard fsync(descriptor) == 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }

  func close() {
    if descriptor >= 0 { _ = Glibc.close(descriptor) }
    descriptor = -1
  }
}

/// A file read at offsets (`pread`), never whole.
final class ReadFile {
  let path: String
  private var descriptor: Int32

  init(_ path: String) throws {
    self.path = path
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }

  func size() throws -> Int {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
    return Int(status.st_size)
  }

  /// Up to `count` bytes at `offset` (fewer at the end of the file).
  func read(at offset: Int, count: Int) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let got = bytes.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
      }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
      if got == 0 { break }
      done += got
    }
    return Array(bytes[0..<done])
  }

  /// Fills `buffer` from the file's current position (a device such as `/dev/urandom`), a
  /// mebibyte a `read` at most; an end of file before it is full is an error.
  func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
    var done = 0
    while done < buffer.count {
      let got = Glibc.read(
        descriptor, buffer.baseAddress! + done, min(buffer.count - done, 1 << 20))
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else {
        throw FileError(
          path: path, reason: got == 0 ? "ended early" : String(cString: strerror(errno)))
      }
      done += got
    }
  }

  /// The line that starts at `offset`, without its newline (at most the largest proof).
  func line(at offset: Int) throws -> [UInt8] {
    var line: [UInt8] = []
    var position = offset
    while line.count <= 1 << 20 {
      let block = try read(at: position, count: 64 * 1024)
      if let end = block.firstIndex(of: 0x0A) { return line + block[..<end] }
      guard !block.isEmpty else { break }
      line += block
      position += block.count
    }
    throw FileError(path: path, reason: "no whole line at byte \(offset)")
  }

  func close() {
    if descriptor >= 0 { _ = Glibc.close(descriptor) }
    descriptor = -1
  }
}

/// Writes a proof's canonical line straight from the tree, the bytes
/// ``LiabilityProof/canonicalText`` gives (a test compares them): no proof value, no path
/// array, no string per hash, for a million proofs a publication. The fields every proof of
/// the publication shares are encoded once.
struct ProofLineWriter {
  let tree: LiabilityTree
  let decimals: Int
  private let afterAccount: [UInt8]
  private let afterBalance: [UInt8]
  private let afterPath: [UInt8]
  private let end: [UInt8]
  /// Every node's sum below the root as the proof spells it — `"units"}` — back to back, node
  /// `levelBase[level] + n` in `sumText[sumStart[node]..<sumStart[node + 1]]`: formatted once
  /// per node rather than once per proof that has it as a sibling (twenty times as often).
  private let sumText: [UInt8]
  private let sumStart: [Int]
  private let levelBase: [Int]

  init(_ publication: LiabilityPublication) {
    let root = publication.root
    tree = publication.tree
    decimals = root.decimals
    var sumText: [UInt8] = []
    var sumStart: [Int] = []
    var levelBase: [Int] = []
    for level in 0..<tree.depth {
      levelBase.append(sumStart.count)
      for sum in tree.sums[level] {
        sumStart.append(sumText.count)
        sumText.append(UInt8(ascii: "\""))
        DecimalText.appendUnits(sum, decimals: root.decimals, to: &sumText)
        sumText += Array("\"}".utf8)
      }
    }
    sumStart.append(sumText.count)
    (self.sumText, self.sumStart, self.levelBase) = (sumText, sumStart, levelBase)
    func json(_ text: String) -> [UInt8] {
      var bytes: [UInt8] = []
      CanonicalJSON.writeString(text, to: &bytes)
      return bytes
    }
    afterAccount = Array(",\"asset\":".utf8) + json(root.asset) + Array(",\"balance\":".utf8)
    afterBalance =
      Array(",\"decimals\":\(root.decimals),\"format\":".utf8) + json(LiabilityProof.format)
      + Array(",\"index\":".utf8)
    afterPath =
      Array("],\"root\":\"\(HashChain.hex(tree.rootHash))\",\"salt\":\"".utf8)
    end =
      Array("\",\"sequence\":\(root.sequence),\"total\":".utf8)
      + json(root.total.formatted(decimals: root.decimals)) + Array("}\n".utf8)
  }

  private static let blank = [UInt8](repeating: 0, count: 64)

  /// Appends 32 bytes as 64 lowercase hex digits: room made once, then written in place (a
  /// proof line is mostly hex: 21 hashes and salts).
  private static func hex32(
    _ source: UnsafeRawBufferPointer, at offset: Int, into output: inout [UInt8]
  ) {
    let start = output.count
    output += blank
    output.withUnsafeMutableBufferPointer { out in
      for index in 0..<32 {
        let byte = source[offset + index]
        let high = byte >> 4
        let low = byte & 0x0F
        out[start + 2 * index] = high < 10 ? 0x30 + high : 0x57 + high
        out[start + 2 * index + 1] = low < 10 ? 0x30 + low : 0x57 + low
      }
    }
  }

  private func amount(_ baseUnits: UInt128, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    DecimalText.appendUnits(baseUnits, decimals: decimals, to: &output)
    output.append(UInt8(ascii: "\""))
  }

  private static let firstHash = Array("{\"hash\":\"".utf8)
  private static let nextHash = Array(",{\"hash\":\"".utf8)
  private static let sum = Array("\",\"sum\":".utf8)

  /// Appends the line of the leaf at `index`, its newline included.
  func write(index: Int, into output: inout [UInt8]) {
    output += "{\"account\":".utf8
    CanonicalJSON.writeString(tree.accounts[index], to: &output)
    output += afterAccount
    amount(tree.balances[index], into: &output)
    output += afterBalance
    output += String(index).utf8
    output += ",\"path\":[".utf8
    for level in 0..<tree.depth {
      let sibling = (index >> level) ^ 1
      output += level == 0 ? Self.firstHash : Self.nextHash
      tree.hashes[level].withUnsafeBytes { Self.hex32($0, at: 32 * sibling, into: &output) }
      output += Self.sum
      let node = levelBase[level] + sibling
      output += sumText[sumStart[node]..<sumStart[node + 1]]
    }
    output += afterPath
    tree.salts.withUnsafeBytes { Self.hex32($0, at: 32 * index, into: &output) }
    output += end
  }
}
