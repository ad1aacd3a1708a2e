import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// A proof of liabilities built from the ledger: the root to publish and one proof per
/// holder, read off the tree on demand.
public struct LiabilityPublication: Sendable {
  /// The root to publish.
  public let root: LiabilityRoot
  let tree: LiabilityTree

  /// The proofs in leaf order.
  public var proofs: some Sequence<LiabilityProof> {
    (0..<tree.holderCount).lazy.map { proof(index: $0) }
  }

  /// The proof of the leaf at `index` (in commitment order).
  public func proof(index: Int) -> LiabilityProof {
    LiabilityProof(
      tree: tree, index: index, asset: root.asset, decimals: root.decimals,
      sequence: root.sequence)
  }

  /// The proof of one account (canonical form), or `nil` when it holds nothing.
  public func proof(account: String) -> LiabilityProof? {
    tree.accounts.firstIndex { $0.utf8.elementsEqual(account.utf8) }.map {
      proof(index: $0)
    }
  }

  /// The names in a folder (`nil` when it does not exist).
  private static func entries(of folder: String) throws -> [String]? {
    guard let handle = opendir(folder) else { return nil }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Writes `directory/root.json`, `directory/verify.html` (the page on which a customer checks
  /// its proof in a browser), the bundle (``LiabilityBundle``: `proofs.jsonl` and
  /// `proofs.index`) and, with `perHolderFiles`, `directory/proofs/<sha256 of the account>.json`
  /// as well. The root is written last, by rename, so a publication cut short has no root. An
  /// existing publication is never overwritten.
  public func write(
    to directory: String, perHolderFiles: Bool = false, progress: (Int) -> Void = { _ in }
  ) throws {
    let rootPath = directory + "/root.json"
    guard access(rootPath, F_OK) != 0 else {
      throw LedgerError(
        .invalidOperation, "liabilities: \(rootPath) exists; a publication is never overwritten")
    }
    // A folder that already holds proofs would mix two publications.
    if let entries = try? Self.entries(of: directory + "/proofs"), !entries.isEmpty {
      throw LedgerError(
        .invalidOperation,
        "liabilities: \(directory)/proofs already holds \(entries.count) files; publish into a new folder"
      )
    }
    for name in [LiabilityBundle.proofsFile, LiabilityBundle.indexFile, "verify.html"]
    where access(directory + "/" + name, F_OK) == 0 {
      throw LedgerError(
        .invalidOperation,
        "liabilities: \(directory)/\(name) exists; publish into a new folder")
    }
    for folder in [directory] + (perHolderFiles ? [directory + "/proofs"] : []) {
      guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
        throw FileError(path: folder, reason: String(cString: strerror(errno)))
      }
    }
    try writeBundle(to: directory, progress: progress)
    try OutputFile.writeNew(directory + "/verify.html", Array(VerifyPage.html.utf8))
    if perHolderFiles { try writeProofs(to: directory + "/proofs", progress: progress) }
    try OutputFile.write(rootPath, CanonicalJSON.encode(root.jsonObject) + "\n", sync: true)
  }
}

extension LiabilityPublication {
  /// Writes every proof, on as many threads as there are cores (creating a million small
  /// files is the publication's cost; one thread leaves the other cores idle).
  private func writeProofs(to folder: String, progress: (Int) -> Void) throws {
    let workers = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let count = tree.holderCount
    let failures = FirstFailure()
    let written = Counter()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var bytes: [UInt8] = []
      for index in stride(from: worker, to: count, by: workers) {
        guard !failures.happened else { return }
        let proof = proof(index: index)
        bytes.removeAll(keepingCapacity: true)
        proof.canonicalBytes(into: &bytes)
        bytes.append(0x0A)
        do {
          try OutputFile.writeNew(
            folder + "/" + LiabilityProof.fileName(account: proof.account), bytes)
        } catch {
          failures.record(error)
          return
        }
        written.add(1)
      }
    }
    if let error = failures.first { throw error }
    progress(written.value)
  }
}

/// The first error of several threads. `@unchecked Sendable` is sound: its one mutable
/// field is read and written only while `lock` is held.
private final class FirstFailure: @unchecked Sendable {
  private let lock = Lock()
  private var error: (any Error)?
  var happened: Bool { lock.withLock { error != nil } }
  var first: (any Error)? { lock.withLock { error } }
  func record(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }
}

/// A count shared by threads. `@unchecked Sendable` is sound: its one mutable field is read
/// and written only while `lock` is held.
private final class Counter: @unchecked Sendable {
  private let lock = Lock()
  private var count = 0
  var value: Int { lock.withLock { count } }
  func add(_ amount: Int) { lock.withLock { count += amount } }
}

extension Ledger {
  /// Builds a proof of liabilities of `asset` at entry `sequence` (default: now): one leaf per
  /// holder whose total holding (every bucket) is non-zero, salted afresh with 32 random bytes
  /// per holder, signed with `privateKey` (hex Ed25519, the checkpoint key) when given. The
  /// root's total is the holders' total, the asset's supply less what system accounts hold.
  public func liabilities(
    asset symbol: String, at sequence: Int64? = nil, privateKey: String? = nil
  ) throws -> LiabilityPublication {
    try liabilities(assets: [symbol], at: sequence, privateKey: privateKey).publications[0]
  }

  /// Builds one proof of liabilities per asset of `symbols` (an alpha of a subnet is an asset
  /// of its own), all of the same entry `sequence` (default: now) read in one snapshot, each
  /// root signed with `privateKey` when given, and the ``LiabilityHead`` that ties the roots
  /// to that entry under one signature.
  public func liabilities(
    assets symbols: [String], at sequence: Int64? = nil, privateKey: String? = nil
  ) throws -> LiabilityHeadPublication {
    guard !symbols.isEmpty else {
      throw LedgerError(.invalidOperation, "liabilities: name at least one asset")
    }
    var named: Set<String> = []
    for symbol in symbols where !named.insert(symbol).inserted {
      throw LedgerError(.invalidOperation, "liabilities: asset '\(symbol)' is named twice")
    }
    let definitions = try symbols.map { try requireAsset($0) }
    let (point, headHash, holders) = try read { journal in
      let (point, hash) = try Self.liabilityPoint(journal, sequence)
      let at: PointInTime = sequence == nil ? .now : .sequence(point)
      let holders = try symbols.map { symbol in
        var accounts: [String] = []
        var balances: [UInt128] = []
        try LedgerSnapshot(journal).forEachHolderTotal(asset: symbol, at: at) { holder, total in
          accounts.append(holder)
          balances.append(total)
        }
        return (accounts, balances)
      }
      return (point, hash, holders)
    }
    let publications = try zip(definitions, holders).map { definition, holders in
      let tree = LiabilityTree(
        accounts: holders.0, balances: holders.1, salts: try Self.freshSalts(holders.0.count))
      let root = try LiabilityRoot(
        asset: definition.symbol, decimals: definition.decimals, sequence: point,
        headHash: headHash, tree: tree, privateKey: privateKey)
      return LiabilityPublication(root: root, tree: tree)
    }
    let head = try LiabilityHead(roots: publications.map(\.root), privateKey: privateKey)
    return LiabilityHeadPublication(head: head, publications: publications)
  }

  /// The entry a publication is of and its hash, checked to be an entry of the ledger.
  private static func liabilityPoint(
    _ journal: Journal, _ sequence: Int64?
  ) throws -> (Int64, String) {
    let head = try journal.head()
    let point = sequence ?? head.sequence
    guard (0...head.sequence).contains(point) else {
      throw LedgerError(
        .invalidOperation,
        "liabilities: --at \(point) is not an entry of this ledger (it has \(head.sequence))")
    }
    guard point != head.sequence else { return (point, head.hash) }
    return (point, try journal.database.storedHashHex(ofEntry: point) ?? HashChain.genesis)
  }

  /// Fresh salts for one publication, 32 bytes a holder, read from the system's
  /// cryptographic generator (`/dev/urandom`) a mebibyte at a time: one system call per 8
  /// bytes, as `SystemRandomNumberGenerator` makes, was a tenth of a million holders'
  /// publication.
  private static func freshSalts(_ count: Int) throws -> [UInt8] {
    var salts = [UInt8](repeating: 0, count: 32 * count)
    let source = try ReadFile("/dev/urandom")
    defer { source.close() }
    try salts.withUnsafeMutableBytes { try source.fill($0) }
    return salts
  }
}

/// Several assets' proofs of liabilities at one entry, tied by a signed ``LiabilityHead``.
public struct LiabilityHeadPublication: Sendable {
  /// The head to publish beside the roots.
  public let head: LiabilityHead
  /// One publication per asset, in the order the assets were named.
  public let publications: [LiabilityPublication]

  /// The folder of `asset`'s publication inside the head's: the symbol, with every byte other
  /// than a letter, a digit, `-` or `_` written `%XX` (so no symbol names a path).
  public static func folderName(asset: String) -> String {
    var name = ""
    for byte in asset.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
        name.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        name += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
      }
    }
    return name
  }

  /// Writes each asset's publication in `directory/<folder of the asset>/` (as
  /// ``LiabilityPublication/write(to:perHolderFiles:progress:)`` does), then
  /// `directory/head.json`, last and by rename: a publication cut short has no head. An
  /// existing head is never overwritten.
  public func write(
    to directory: String, perHolderFiles: Bool = false, progress: (Int) -> Void = { _ in }
  ) throws {
    let headPath = directory + "/head.json"
    guard access(headPath, F_OK) != 0 else {
      throw LedgerError(
        .invalidOperation, "liabilities: \(headPath) exists; a publication is never overwritten")
    }
    guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
      throw FileError(path: directory, reason: String(cString: strerror(errno)))
    }
    var written = 0
    for publication in publications {
      try publication.write(
        to: directory + "/" + Self.folderName(asset: publication.root.asset),
        perHolderFiles: perHolderFiles
      ) { progress(written + $0) }
      written += publication.root.holders
    }
    try OutputFile.write(headPath, CanonicalJSON.encode(head.jsonObject) + "\n", sync: true)
  }
}

/// Writing a whole small file: created new (O_EXCL, no symlink followed), written, renamed.
enum OutputFile {
  /// Writes a new file directly (O_EXCL: an existing file is an error, never overwritten).
  static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
    let file = try WriteFile(path)
    defer { file.close() }
    try file.write(bytes)
  }

  /// Writes `text` to a new temporary file beside `path` (synced when `sync`), then renames it
  /// to `path`: the file appears whole or not at all.
  static func write(_ path: String, _ text: String, sync: Bool) throws {
    let temporary = path + ".tmp"
    let file = try WriteFile(temporary)
    defer { file.close() }
    do {
      try file.write(Array(text.utf8))
      if sync { try file.sync() }
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
