import Foundation
import Testing

/// The edges where the tool once said something false or destroyed something silently: files
/// that are not ledgers, paths that are not files, key files, output that cannot be written,
/// questions that were misspelled. Each test failed on the code before its fix.
@Suite struct EdgeTests {
  static func sha256(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
  }

  /// A ledger with one asset and one balance.
  static func ledger() throws -> String {
    let db = try CLI.temporaryDirectory() + "/l.sqlite"
    let result = try CLI.run(["load", "--db", db, CLI.fixture("examples/fet-basics.json")])
    #expect(result.exitCode == 0, "\(result.stderr)")
    return db
  }

  @Test func anotherApplicationsDatabaseIsRefusedAndLeftByteIdentical() throws {
    let directory = try CLI.temporaryDirectory()
    let path = directory + "/other.sqlite"
    let made = try CLI.shell(
      "sqlite3 '\(path)' 'CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES (1);' 2>&1 || python3 -c \"import sqlite3; c=sqlite3.connect('\(path)'); c.execute('CREATE TABLE notes(t TEXT)'); c.execute('INSERT INTO notes VALUES (1)'); c.commit()\""
    )
    #expect(made == 0)
    let before = try Self.sha256(path)
    for arguments in [
      ["apply", "--db", path, "-"], ["balance", "--db", path], ["audit", "--db", path],
      ["init", "--db", path], ["load", "--db", path, CLI.fixture("examples/fet-basics.json")],
    ] {
      let result = try CLI.run(arguments, stdin: "")
      #expect(result.exitCode == 3, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("another application"), "\(arguments): \(result.stderr)")
      #expect(try Self.sha256(path) == before, "\(arguments) changed the file")
    }
  }

  @Test func pathsThatAreNotLedgerFilesAreRefusedWithoutHanging() throws {
    let directory = try CLI.temporaryDirectory()
    let fifo = directory + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let cases: [([String], [String: String], Int32, String)] = [
      (["balance", "--db", fifo], [:], 3, "is a FIFO"),
      (["init", "--db", fifo], [:], 3, "is a FIFO"),
      (["balance", "--db", directory], [:], 3, "is a directory"),
      (["init", "--db", directory], [:], 3, "is a directory"),
      (["init", "--db", ":memory:"], [:], 2, "not a file path"),
      (["init"], ["TOKENLEDGER_DB": ""], 2, "TOKENLEDGER_DB is empty"),
      (["apply", "--db", directory + "/l.sqlite", directory], [:], 3, "no such ledger"),
    ]
    for (arguments, environment, code, message) in cases {
      let result = try CLI.run(arguments, environment: environment, in: directory)
      #expect(result.exitCode == code, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(!result.stdout.contains("ledger ready"))
    }
    let db = try Self.ledger()
    let folder = try CLI.run(["apply", "--db", db, directory])
    #expect(folder.exitCode == 3)
    #expect(folder.stderr.contains("is a directory"), "\(folder.stderr)")
  }

  @Test func aMissingFixtureLeavesNoLedgerBehind() throws {
    let directory = try CLI.temporaryDirectory()
    let result = try CLI.run(["load", directory + "/missing.json"], in: directory)
    #expect(result.exitCode == 3)
    #expect(!FileManager.default.fileExists(atPath: directory + "/ledger.sqlite"))
  }

  /// `VACUUM INTO` (and so `Ledger.backup(to:)`) writes a rollback-journal file.
  @Test func aBackupThatIsNotInWALModeIsReadable() throws {
    let db = try Self.ledger()
    let backup = db + ".backup"
    #expect(
      try CLI.shell(
        "python3 -c \"import sqlite3; sqlite3.connect('\(db)').execute(\\\"VACUUM INTO '\(backup)'\\\")\""
      ) == 0)
    let before = try Self.sha256(backup)
    for command in ["balance", "audit", "replay", "export"] {
      let result = try CLI.run([command, "--db", backup])
      #expect(result.exitCode == 0, "\(command): \(result.stderr)")
    }
    #expect(try Self.sha256(backup) == before, "read-only commands left the backup as it was")
  }

  @Test func aNewKeyNeverOverwritesAFileOrFollowsASymlink() throws {
    let directory = try CLI.temporaryDirectory()
    let key = directory + "/key"
    let first = try CLI.run(["checkpoint", "--new-key", key], in: directory)
    #expect(first.exitCode == 0, "\(first.stderr)")
    let keyBytes = try Self.sha256(key)
    let attributes = try FileManager.default.attributesOfItem(atPath: key)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(!first.stdout.contains(String(decoding: keyBytes, as: UTF8.self).trimmed))
    let again = try CLI.run(["checkpoint", "--new-key", key], in: directory)
    #expect(again.exitCode == 2, "\(again.stderr)")
    #expect(again.stderr.contains("never overwritten"))
    #expect(try Self.sha256(key) == keyBytes, "the existing key is intact")
    let target = directory + "/elsewhere"
    try FileManager.default.createSymbolicLink(
      atPath: directory + "/link", withDestinationPath: target)
    let link = try CLI.run(["checkpoint", "--new-key", directory + "/link"], in: directory)
    #expect(link.exitCode == 2, "\(link.stderr)")
    #expect(!FileManager.default.fileExists(atPath: target), "the symlink was not followed")
  }

  @Test func aCheckpointIsWrittenWholeByRename() throws {
    let db = try Self.ledger()
    let directory = (db as NSString).deletingLastPathComponent
    #expect(try CLI.run(["checkpoint", "--new-key", directory + "/k"]).exitCode == 0)
    let out = directory + "/cp.json"
    let first = try CLI.run(["checkpoint", "--db", db, "--key", directory + "/k", "--out", out])
    #expect(first.exitCode == 0, "\(first.stderr)")
    let signed = try CLI.run(["checkpoint", "--db", db, "--key", directory + "/k", "--out", out])
    #expect(signed.exitCode == 0, "\(signed.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.hasPrefix("{") && text.contains("headHash"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
      $0.contains(".tmp-")
    }
    #expect(leftovers.isEmpty)
  }

  @Test func aFullDiskOnStandardOutputIsExitThree() throws {
    let db = try Self.ledger()
    let status = try CLI.shell("'\(CLI.binary)' balance --db '\(db)' > /dev/full 2>/dev/null")
    #expect(status == 3)
  }

  @Test func aClosedPipeEndsQuietly() throws {
    let db = try Self.ledger()
    var lines = [#"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#]
    for index in 0..<3000 {
      lines.append(#"{"op":"mint","asset":"T","to":"a\#(index)","amount":"1"}"#)
    }
    #expect(
      try CLI.run(["apply", "--db", db, "-"], stdin: lines.joined(separator: "\n")).exitCode == 0)
    let errors = db + ".stderr"
    let status = try CLI.shell(
      "'\(CLI.binary)' balance --db '\(db)' 2>'\(errors)' | head -1 >/dev/null; echo ${PIPESTATUS[0]} > '\(db).status'"
    )
    #expect(status == 0)
    let code = try String(contentsOfFile: db + ".status", encoding: .utf8).trimmed
    #expect(code == "3" || code == "0", "exit \(code)")
    #expect(try String(contentsOfFile: errors, encoding: .utf8).isEmpty, "nothing on stderr")
  }

  @Test func misspelledQuestionsGetAnAnswerNotAnEmptyTable() throws {
    let db = try Self.ledger()
    let asset = try CLI.run(["balance", "--db", db, "--asset", "FTE"])
    #expect(asset.exitCode == 2)
    #expect(asset.stderr.contains("unknownAsset"))
    #expect(asset.stderr.contains("did you mean 'FET'?"), "\(asset.stderr)")
    let address = try CLI.run(["history", "--db", db, "--account", "0x123"])
    #expect(address.exitCode == 2)
    #expect(address.stderr.contains("invalidAddress"), "\(address.stderr)")
    let validator = try CLI.run([
      "balance", "--db", db, "--asset", "FET", "--validator",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ])
    #expect(validator.exitCode == 2)
    #expect(validator.stderr.contains("unknownValidator"), "\(validator.stderr)")
    let json = try CLI.run(["balance", "--db", db, "--asset", "FTE", "--format", "json"])
    let object = try CLI.json(json.stdout)
    #expect(object["ok"] as? Bool == false)
    #expect((object["error"] as? [String: Any])?["code"] as? String == "unknownAsset")
  }

  @Test func everyFailureIsAJSONDocumentWithFormatJSON() throws {
    let directory = try CLI.temporaryDirectory()
    let cases: [([String], Int32, String)] = [
      (["balance", "--db", directory + "/missing.sqlite", "--format", "json"], 3, "ioError"),
      (["balance", "--db", directory, "--format", "json"], 3, "ioError"),
      (["balance", "--format", "json", "--bogus"], 2, "usage"),
    ]
    for (arguments, code, errorCode) in cases {
      let result = try CLI.run(arguments, in: directory)
      #expect(result.exitCode == code, "\(arguments)")
      let object = try CLI.json(result.stdout)
      #expect(object["ok"] as? Bool == false, "\(arguments): \(result.stdout)")
      #expect((object["error"] as? [String: Any])?["code"] as? String == errorCode)
    }
  }

  @Test func aFormatACommandCannotProduceIsRefused() throws {
    let db = try Self.ledger()
    for command in ["audit", "replay", "export", "apply"] {
      let result = try CLI.run([command, "--db", db, "--format", "csv"], stdin: "")
      #expect(result.exitCode == 2, "\(command)")
      #expect(
        result.stderr.contains("--format csv is not available"), "\(command): \(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
  }

  @Test func aGlobalOptionBeforeTheSubcommandIsExplained() throws {
    let result = try CLI.run(["--db", "x.sqlite", "balance"])
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("put --db after the subcommand"), "\(result.stderr)")
    let unknown = try CLI.run(["balance", "--bogus"])
    #expect(unknown.stderr.contains("see 'tokenledger balance --help'"), "\(unknown.stderr)")
  }

  @Test func controlCharactersInNamesCannotFakeATableRow() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    _ = try CLI.run(["init", "--db", db])
    let lines = [
      #"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"T","to":"a","amount":"5","id":"x\nb T 999"}"#,
    ]
    #expect(
      try CLI.run(["apply", "--db", db, "-"], stdin: lines.joined(separator: "\n")).exitCode == 0)
    let history = try CLI.run(["history", "--db", db, "--account", "a"])
    #expect(history.exitCode == 0)
    #expect(
      history.stdout.split(separator: "\n").count == 2, "a header and one row: \(history.stdout)")
    #expect(history.stdout.contains(#"x\u{A}b T 999"#))
  }

  /// A 2 GB line without a newline is refused as soon as the limit is passed: the writer is
  /// cut off long before it has written 100 MB, so the reader never held more.
  @Test func anEndlessLineIsRefusedAtTheLimit() throws {
    let db = try Self.ledger()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.binary)
    process.arguments = ["apply", "--db", db, "-"]
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    signal(SIGPIPE, SIG_IGN)
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
    var written = 0
    let descriptor = input.fileHandleForWriting.fileDescriptor
    while written < 2 << 30 {
      let count = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if count <= 0 { break }
      written += count
    }
    try? input.fileHandleForWriting.close()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 2)
    #expect(message.contains("longer than the limit of 8388608 bytes"), "\(message)")
    #expect(written < 100 << 20, "the reader stopped after \(written) bytes")
  }

  /// Reading `/proc/self/mem` from its start fails with EIO: a read error, not an end of file.
  @Test func aReadErrorIsExitThreeNeverAnEmptyFile() throws {
    let db = try Self.ledger()
    let before = try CLI.run(["audit", "--db", db, "--format", "json"])
    for arguments in [
      ["apply", "--db", db, "/proc/self/mem"],
      ["import", "--db", db, "--kind", "etl-transfers", "--asset", "FET", "/proc/self/mem"],
      ["reconcile", "--db", db, "--kind", "balances-csv", "--asset", "FET", "/proc/self/mem"],
    ] {
      let result = try CLI.run(arguments)
      #expect(result.exitCode == 3, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("read failed"), "\(arguments): \(result.stderr)")
    }
    let after = try CLI.run(["audit", "--db", db, "--format", "json"])
    #expect(
      (try CLI.json(after.stdout)["headHash"] as? String)
        == (try CLI.json(before.stdout)["headHash"] as? String))
  }
  /// `apply` reading from a terminal says how to end the input (a pseudo-terminal made by
  /// Python's `pty`, where Ctrl-D at the start of a line is the end of the input).
  @Test func applyOnATerminalPrintsAHint() throws {
    let db = try Self.ledger()
    let script = """
      import os, pty, subprocess, sys
      m, s = pty.openpty()
      p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
      os.close(s)
      os.write(m, b"\\x04")
      out, err = p.communicate(timeout=60)
      sys.stderr.write(err.decode())
      sys.exit(p.returncode)
      """
    let path = db + ".py"
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    let errors = db + ".err"
    let status = try CLI.shell(
      "python3 '\(path)' '\(CLI.binary)' apply --db '\(db)' 2>'\(errors)'")
    #expect(status == 0)
    let text = try String(contentsOfFile: errors, encoding: .utf8)
    #expect(text.contains("reading operations from the terminal"), "\(text)")
    #expect(text.contains("Ctrl-D"))
  }

  /// The contract's precedence holds on the command line as in the library: two faults in one
  /// line, the earlier in the documented order wins.
  @Test func precedenceIsTheSameOnTheCommandLine() throws {
    let db = try Self.ledger()
    let cases = [
      (#"{"op":"mint","asset":"NOPE","to":"x","amount":"1","bogus":1}"#, "invalidOperation"),
      (#"{"op":"mint","asset":"NOPE","to":"x","amount":null}"#, "invalidAmount"),
      (#"{"op":"settle","hold":"nope","amount":null}"#, "invalidAmount"),
      (#"{"op":"void","hold":"nope","expectError":"unknownHold"}"#, "invalidOperation"),
    ]
    for (line, code) in cases {
      let result = try CLI.run(["apply", "--db", db, "--format", "json", "-"], stdin: line)
      #expect(result.exitCode == 2, "\(line)")
      let error = try CLI.json(result.stdout)["error"] as? [String: Any]
      #expect(error?["code"] as? String == code, "\(line): \(result.stdout)")
    }
  }

  /// `checkpoint --out` renames over its target: it may replace an earlier checkpoint, never
  /// the ledger, a key, a device or a symlink.
  @Test func checkpointOutNeverReplacesWhatIsNotACheckpoint() throws {
    let db = try Self.ledger()
    let directory = (db as NSString).deletingLastPathComponent
    let key = directory + "/k"
    #expect(try CLI.run(["checkpoint", "--new-key", key]).exitCode == 0)
    let ledgerBytes = try Self.sha256(db)
    let keyBytes = try Self.sha256(key)
    try FileManager.default.createSymbolicLink(
      atPath: directory + "/link", withDestinationPath: "/dev/null")
    for target in [db, key, directory + "/link"] {
      let result = try CLI.run(["checkpoint", "--db", db, "--key", key, "--out", target])
      #expect(result.exitCode == 2, "\(target): \(result.stderr)")
    }
    #expect(try Self.sha256(db) == ledgerBytes)
    #expect(try Self.sha256(key) == keyBytes)
    let out = directory + "/cp.json"
    #expect(try CLI.run(["checkpoint", "--db", db, "--key", key, "--out", out]).exitCode == 0)
    #expect(try CLI.run(["checkpoint", "--db", db, "--key", key, "--out", out]).exitCode == 0)
  }

  /// Another application's database in WAL mode, with a log not yet folded into its file:
  /// refused, and neither its file nor its log is touched.
  @Test func aForeignDatabaseInWALModeIsLeftAsItWas() throws {
    let directory = try CLI.temporaryDirectory()
    let path = directory + "/app.db"
    let script = """
      import sqlite3, shutil
      c = sqlite3.connect('\(path)')
      c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')
      c.execute('CREATE TABLE notes(t)'); c.execute("INSERT INTO notes VALUES ('x')"); c.commit()
      shutil.copy('\(path)', '\(path).copy'); shutil.copy('\(path)-wal', '\(path).copy-wal')
      """
    try script.write(toFile: directory + "/make.py", atomically: true, encoding: .utf8)
    #expect(try CLI.shell("python3 '\(directory)/make.py'") == 0)
    let copy = path + ".copy"
    let before = (try Self.sha256(copy), try Self.sha256(copy + "-wal"))
    for arguments in [["init", "--db", copy], ["apply", "--db", copy, "/dev/null"]] {
      let result = try CLI.run(arguments)
      #expect(result.exitCode == 3, "\(arguments): \(result.stderr)")
      #expect(try Self.sha256(copy) == before.0, "\(arguments) changed the file")
      #expect(try Self.sha256(copy + "-wal") == before.1, "\(arguments) changed its log")
    }
    let marked = directory + "/marked.db"
    #expect(
      try CLI.shell(
        "python3 -c \"import sqlite3; c=sqlite3.connect('\(marked)'); c.execute('PRAGMA application_id=1234'); c.execute('PRAGMA user_version=77'); c.commit()\""
      ) == 0)
    let markedBytes = try Self.sha256(marked)
    let refused = try CLI.run(["init", "--db", marked])
    #expect(refused.exitCode == 3)
    #expect(refused.stderr.contains("another application"), "\(refused.stderr)")
    #expect(try Self.sha256(marked) == markedBytes)
  }

  @Test func helpThatCannotBeWrittenIsExitThree() throws {
    #expect(try CLI.shell("'\(CLI.binary)' --help > /dev/full 2>/dev/null") == 3)
    #expect(try CLI.shell("'\(CLI.binary)' balance --help > /dev/null 2>&1") == 0)
  }

  /// A committed apply whose report cannot be written says that it was committed.
  @Test func aLostReportSaysWhatWasCommitted() throws {
    let db = try Self.ledger()
    let errors = db + ".err"
    let status = try CLI.shell(
      "echo '{\"op\":\"mint\",\"asset\":\"FET\",\"to\":\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\",\"amount\":\"1\"}' | '\(CLI.binary)' apply --db '\(db)' - > /dev/full 2>'\(errors)'"
    )
    #expect(status == 3)
    #expect(
      try String(contentsOfFile: errors, encoding: .utf8).contains("the operations were applied"))
  }

  @Test func aFailedBatchReportsWhatItKeptInItsJSONError() throws {
    let db = try Self.ledger()
    var lines: [String] = []
    for index in 0..<4 {
      lines.append(
        #"{"op":"mint","asset":"FET","to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"1","id":"b\#(index)"}"#
      )
    }
    lines.append("{broken")
    let result = try CLI.run(
      ["apply", "--db", db, "--batch", "2", "--format", "json", "-"],
      stdin: lines.joined(separator: "\n"))
    #expect(result.exitCode == 2)
    let object = try CLI.json(result.stdout)
    let committed = object["committed"] as? [String: Any]
    #expect(committed?["operations"] as? Int == 4, "\(result.stdout)")
    #expect(committed?["throughLine"] as? Int == 4)
  }

  /// The JSON error of a refused line names the operation's index in the stream (from 0;
  /// blank lines are not operations), as the library's batch errors do.
  @Test func aRefusedLineNamesItsOperationIndexInJSON() throws {
    let db = try Self.ledger()
    let mint =
      #"{"op":"mint","asset":"FET","to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"1"}"#
    for (input, index) in [
      ([mint, "", mint, mint.replacingOccurrences(of: "\"1\"", with: "\"-1\"")], 2),
      ([mint, "{broken"], 1),
    ] {
      let result = try CLI.run(
        ["apply", "--db", db, "--format", "json", "-"], stdin: input.joined(separator: "\n"))
      #expect(result.exitCode == 2)
      let error = try CLI.json(result.stdout)["error"] as? [String: Any]
      #expect(error?["operationIndex"] as? Int == index, "\(result.stdout)")
    }
  }

  @Test func anOverlongLineIsNamedByItsOwnNumber() throws {
    let db = try Self.ledger()
    let long = String(repeating: "a", count: 8_388_700)
    let tick = #"{"op":"tick","time":"2030-01-01T00:00:00Z"}"#
    let result = try CLI.run(["apply", "--db", db, "-"], stdin: tick + "\n" + long + "\n" + tick)
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("line 2 of - is longer"), "\(result.stderr)")
  }

  @Test func answersForPointsAndOptionsThatDoNotExist() throws {
    let db = try Self.ledger()
    let beyond = try CLI.run(["balance", "--db", db, "--at", "99999"])
    #expect(beyond.exitCode == 2)
    #expect(beyond.stderr.contains("does not exist"), "\(beyond.stderr)")
    #expect(try CLI.run(["replay", "--db", db, "--until", "99999"]).exitCode == 2)
    let both = try CLI.run([
      "balance", "--db", db, "--asset", "FET", "--validator", "x", "--account", "y",
    ])
    #expect(both.exitCode == 2)
  }

  @Test func aLoadThatFailsLeavesNoLedgerBehind() throws {
    let directory = try CLI.temporaryDirectory()
    let fixture = directory + "/bad.json"
    try
      #"{"format":"tokenledger-fixture/1","assets":[{"symbol":"T","decimals":0,"addressScheme":"any"}],"operations":[{"op":"burn","asset":"T","from":"a","amount":"5"}]}"#
      .write(toFile: fixture, atomically: true, encoding: .utf8)
    let result = try CLI.run(["load", "--db", directory + "/new.sqlite", fixture])
    #expect(result.exitCode == 2)
    #expect(!FileManager.default.fileExists(atPath: directory + "/new.sqlite"))
  }
}

extension String {
  fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }

  /// A malformed PostgreSQL URL is a usage error (exit 2) that never prints its password.
  @Test func aMalformedPostgreSQLURLIsRefusedWithoutItsPassword() throws {
    let result = try CLI.run(["info", "--db", "postgresql://user:secret@[::1/ledger"])
    #expect(result.exitCode == 2, "\(result.stderr)")
    #expect(!result.stderr.contains("secret") && !result.stdout.contains("secret"))
    #expect(result.stderr.contains("libpq"), "\(result.stderr)")
  }
}
