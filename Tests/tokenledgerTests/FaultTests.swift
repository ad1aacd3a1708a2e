import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Storage faults and hostile files end with a clear message and exit 3, never a crash or a
/// wrong answer, and a ledger that failed to write audits clean afterwards.
@Suite(.serialized) struct FaultTests {
  func ledgerWithOperations(_ directory: String) throws -> String {
    let db = directory + "/l.sqlite"
    let result = try CLI.run(["load", "--db", db, CLI.fixture("staking/fet-staking-provider.json")])
    #expect(result.exitCode == 0)
    return db
  }

  @Test func aFullDiskFailsWithExitThreeAndLeavesTheLedgerClean() throws {
    guard getuid() == 0 else {
      print("skipped: mounting a small tmpfs needs root")
      return
    }
    let mountPoint = try CLI.temporaryDirectory()
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=400k", "tmpfs", mountPoint]
    try mount.run()
    mount.waitUntilExit()
    guard mount.terminationStatus == 0 else {
      print("skipped: this machine does not allow mounting a tmpfs")
      return
    }
    defer {
      let umount = Process()
      umount.executableURL = URL(fileURLWithPath: "/bin/umount")
      umount.arguments = [mountPoint]
      try? umount.run()
      umount.waitUntilExit()
    }
    let db = mountPoint + "/l.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    var lines = [#"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#]
    for index in 0..<20_000 {
      lines.append(
        #"{"op":"mint","asset":"T","to":"holder-\#(index)","amount":"1","id":"m\#(index)"}"#)
    }
    let result = try CLI.run(
      ["apply", "--db", db, "--batch", "500", "-"], stdin: lines.joined(separator: "\n"))
    #expect(result.exitCode == 3, "\(result.stderr)")
    #expect(
      result.stderr.contains("disk full") || result.stderr.contains("SQLite 13"), "\(result.stderr)"
    )
    let audit = try CLI.run(["audit", "--db", db])
    #expect(audit.exitCode == 0, "\(audit.stdout)\(audit.stderr)")
  }

  @Test func aCorruptFileIsExitThreeForEveryCommand() throws {
    let directory = try CLI.temporaryDirectory()
    let db = try ledgerWithOperations(directory)
    let commands = [
      ["balance"], ["replay"], ["export"],
      ["history", "--account", "fetch17wlu37ev6s786r2qe9qwl38he0hahnekd5jvr3"],
    ]
    let clean = try commands.map { try CLI.run($0 + ["--db", db]).stdout }
    let original = try Data(contentsOf: URL(fileURLWithPath: db))
    // Flip bytes at several places of the b-tree pages (the header kept), one pattern at a
    // time. SQLite keeps no page checksums, so a flipped byte inside a record can pass its
    // structural checks and a plain read may return it; what must hold is that nothing
    // crashes, every failure is a clear exit 3, and audit notices every damage that changes
    // an answer (a flip in a page's unused space changes none).
    var failures = 0
    for start in stride(from: 4096, to: original.count, by: 4096 + 512) {
      var bytes = original
      for offset in stride(from: start, to: min(bytes.count, start + 4096), by: 61) {
        bytes[offset] ^= 0x5A
      }
      try bytes.write(to: URL(fileURLWithPath: db))
      let audit = try CLI.run(["audit", "--db", db])
      var answersChanged = false
      for (arguments, before) in zip(commands, clean) {
        let result = try CLI.run(arguments + ["--db", db])
        answersChanged = answersChanged || result.exitCode != 0 || result.stdout != before
        #expect(
          [0, 1, 3].contains(result.exitCode),
          "\(arguments): exit \(result.exitCode) \(result.stderr)")
        if result.exitCode != 0 {
          failures += 1
          #expect(
            !result.stderr.isEmpty && !result.stderr.contains("Fatal error"),
            "\(arguments): \(result.stderr)")
        }
      }
      if answersChanged {
        #expect(
          audit.exitCode == 1 || audit.exitCode == 3,
          "audit missed damage at byte \(start) that changed an answer")
      }
    }
    #expect(failures > 0, "the damage was noticed")
    try original.write(to: URL(fileURLWithPath: db))
    let bytes = original
    let truncated = directory + "/t.sqlite"
    try Data(bytes.prefix(1500)).write(to: URL(fileURLWithPath: truncated))
    let result = try CLI.run(["balance", "--db", truncated])
    #expect(result.exitCode == 3)
    #expect(
      result.stderr.contains("corrupt") || result.stderr.contains("not a TokenLedger"),
      "\(result.stderr)")
  }

  @Test func aDirectoryOrAnUnwritableFileGetsAClearError() throws {
    let directory = try CLI.temporaryDirectory()
    let folder = directory + "/folder.sqlite"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let onFolder = try CLI.run(["balance", "--db", folder])
    #expect(onFolder.exitCode == 3)
    #expect(!onFolder.stderr.isEmpty)
    let db = try ledgerWithOperations(directory)
    chmod(db, 0o400)
    chmod(directory, 0o500)
    defer {
      chmod(directory, 0o700)
      chmod(db, 0o600)
    }
    if getuid() != 0 {
      let write = try CLI.run(
        ["apply", "--db", db, "-"], stdin: #"{"op":"tick","time":"2030-01-01T00:00:00Z"}"#)
      #expect(write.exitCode == 3)
      #expect(write.stderr.contains("read-only") || write.stderr.contains("readonly"))
    }
  }

  @Test func auditAndReplayNeverWrite() throws {
    let directory = try CLI.temporaryDirectory()
    let db = try ledgerWithOperations(directory)
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let attributes = try FileManager.default.attributesOfItem(atPath: db)
    #expect(try CLI.run(["audit", "--db", db]).exitCode == 0)
    #expect(try CLI.run(["replay", "--db", db]).exitCode == 0)
    #expect(try CLI.run(["balance", "--db", db, "--at", "3"]).exitCode == 0)
    let after = try Data(contentsOf: URL(fileURLWithPath: db))
    #expect(before == after)
    #expect(
      try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date
        == attributes[.modificationDate] as? Date)
  }
}
