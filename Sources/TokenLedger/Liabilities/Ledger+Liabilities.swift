#if canImport(Glibc)
  import Glibc
#endif

/// A proof of liabilities built from the ledger: the root to publish and one proof per
/// holder, read off the tree on demand.
public struct LiabilityPublication: Sendable {
  public let root: LiabilityRoot
  let tree: LiabilityTree

  /// The proofs in leaf order.
  public var proofs: some Sequence<LiabilityProof> {
    (0..<tree.holderCount).lazy.map { proof(index: $0) }
  }

  public func proof(index: Int) -> LiabilityProof {
    LiabilityProof(
      tree: tree, index: index, asset: root.asset, decimals: root.decimals,
      sequence: root.sequence)
  }

  /// The proof of one account (canonical form), or `nil` when it holds nothing.
  public func proof(account: String) -> LiabilityProof? {
    tree.holders.firstIndex { $0.account.utf8.elementsEqual(account.utf8) }.map {
      proof(index: $0)
    }
  }

  /// Writes `directory/root.json` and `directory/proofs/<sha256 of the account>.json`. The
  /// proofs are streamed one by one; the root is written last, by rename, so a publication
  /// cut short has no root. An existing publication is never overwritten.
  public func write(to directory: String, progress: (Int) -> Void = { _ in }) throws {
    let rootPath = directory + "/root.json"
    guard access(rootPath, F_OK) != 0 else {
      throw LedgerError(
        .invalidOperation, "liabilities: \(rootPath) exists; a publication is never overwritten")
    }
    for folder in [directory, directory + "/proofs"] {
      guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
        throw FileError(path: folder, reason: String(cString: strerror(errno)))
      }
    }
    for index in 0..<tree.holderCount {
      let proof = proof(index: index)
      let path = directory + "/proofs/" + LiabilityProof.fileName(account: proof.account)
      try OutputFile.write(path, CanonicalJSON.encode(proof.jsonObject) + "\n", sync: false)
      if (index + 1) % 100_000 == 0 { progress(index + 1) }
    }
    try OutputFile.write(rootPath, CanonicalJSON.encode(root.jsonObject) + "\n", sync: true)
  }
}

extension Ledger {
  /// Builds a proof of liabilities of `asset` at entry `sequence` (default: now): one leaf per
  /// holder whose total holding (every bucket) is non-zero, salted afresh with 32 random bytes
  /// per holder, signed with `privateKey` (hex Ed25519, the checkpoint key) when given. The
  /// root's total is the holders' total, the asset's supply less what system accounts hold.
  public func liabilities(
    asset symbol: String, at sequence: Int64? = nil, privateKey: String? = nil
  ) throws -> LiabilityPublication {
    let definition = try requireAsset(symbol)
    let (point, headHash, totals) = try read { journal in
      let head = try journal.head()
      let point = sequence ?? head.sequence
      guard (0...head.sequence).contains(point) else {
        throw LedgerError(
          .invalidOperation,
          "liabilities: --at \(point) is not an entry of this ledger (it has \(head.sequence))")
      }
      var hash = head.hash
      if point != head.sequence {
        let stored = try journal.database.firstRow(
          "SELECT hash FROM entries WHERE seq = ?", [.integer(point)]
        ) { $0.text(0) }
        hash = (stored ?? nil) ?? HashChain.genesis
      }
      var totals: [String: UInt128] = [:]
      try journal.forEachBalance(at: sequence == nil ? .now : .sequence(point)) {
        holder, _, asset, amount in
        guard asset == symbol, !holder.hasPrefix("@"), let value = amount.amount else { return }
        let (sum, overflow) = totals[holder, default: 0].addingReportingOverflow(value.baseUnits)
        precondition(!overflow, "a holder of \(symbol) holds more than its total supply")
        totals[holder] = sum
      }
      return (point, hash, totals)
    }
    var random = SystemRandomNumberGenerator()
    let holders = totals.compactMap { account, total -> LiabilityTree.Holder? in
      guard total != 0 else { return nil }
      var salt: [UInt8] = []
      salt.reserveCapacity(32)
      for _ in 0..<4 {
        withUnsafeBytes(of: random.next() as UInt64) { salt += $0 }
      }
      return LiabilityTree.Holder(account: account, balance: Amount(baseUnits: total), salt: salt)
    }
    let tree = LiabilityTree(holders: holders)
    let root = try LiabilityRoot(
      asset: symbol, decimals: definition.decimals, sequence: point, headHash: headHash,
      tree: tree, privateKey: privateKey)
    return LiabilityPublication(root: root, tree: tree)
  }
}

/// Writing a whole small file: created new (O_EXCL, no symlink followed), written, renamed.
enum OutputFile {
  static func write(_ path: String, _ text: String, sync: Bool) throws {
    let temporary = path + ".tmp"
    let descriptor = open(temporary, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FileError(path: temporary, reason: String(cString: strerror(errno)))
    }
    var bytes = Array(text.utf8)
    var offset = 0
    defer { close(descriptor) }
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes {
        Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        unlink(temporary)
        throw FileError(path: temporary, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
    guard !sync || fsync(descriptor) == 0, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
