#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Ledger {
  /// Audits a journal-format-1 ledger without migrating it or writing beside it: the file is
  /// copied (`VACUUM INTO`, from a read-only connection) into a scratch directory, the copy is
  /// carried through format 1's own schema steps and into the format-2 layout exactly as
  /// ``migrateToFormat2(at:progress:)`` copies it (every format-1 hash kept), but without the
  /// `formatChange` entry, and every check runs on that. The report is the format-1 ledger's:
  /// its entries, its head hash, each violation of its rows. The scratch files are removed;
  /// `path` is only read (SQLite's reader files `-wal` and `-shm` may appear beside it, as for
  /// any read of a WAL-mode file).
  public static func auditFormatOne(
    at path: String, anchors: AuditAnchors = AuditAnchors(),
    progress: (String) -> Void = { _ in }
  ) throws -> AuditReport {
    guard try needsFormatMigration(at: path) else {
      throw FileError(path: path, reason: "is not a journal-format-1 ledger with entries")
    }
    let base =
      getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((base + "/tokenledger-audit-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw FileError(path: base, reason: "no scratch directory for the audit (errno \(errno))")
    }
    let scratch = String(cString: made)
    let snapshot = scratch + "/format1.sqlite"
    let copy = scratch + "/format2.sqlite"
    defer {
      for file in [snapshot, copy] {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(file + suffix) }
      }
      rmdir(scratch)
    }
    do {
      let source = try Database.openForReading(path)
      try source.copy(to: snapshot)
    }
    let lastSequence: Int64
    do {
      let old = try Database(path: snapshot, mode: .existing)
      try Schema.configure(old, durability: .normal)
      try Schema.migrate(old, through: Schema.format2Version - 1)
      guard
        let last = try old.lastSequence()
      else { throw FileError(path: path, reason: "has no entries to audit") }
      lastSequence = last
    }
    try copyFormatOne(from: snapshot, to: copy, through: lastSequence, asFound: true) { _ in }
    return try Ledger.open(at: copy, readOnly: true).audit(anchors: anchors, progress: progress)
  }
}
