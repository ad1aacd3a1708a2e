import Foundation
import Testing

/// The statements and the HTML report as their readers get them, the report rendered by a
/// real browser.
@Suite struct ReportCommandTests {
  static let validator = "fetchvaloper13m8d0fnkhy35jaer3n9p0ygt9t7heyl82qs94l"

  static func stakingLedger() throws -> (directory: String, db: String) {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/fet.sqlite"
    let load = try CLI.run(["load", CLI.fixture("staking/fet-staking-provider.json"), "--db", db])
    #expect(load.exitCode == 0, "\(load.stderr)")
    return (directory, db)
  }

  /// Headless Chromium (Debian package `chromium`), or nil when this machine has none.
  static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  @Test func rewardsPrintsTheHandWorkedStatementInEveryFormat() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let json = try CLI.run(["rewards", "--asset", "FET", "--db", db, "--format", "json"])
    #expect(json.exitCode == 0, "\(json.stderr)")
    let document = try CLI.json(json.stdout)
    let totals = try #require(document["totals"] as? [String: String])
    #expect(totals["commission"] == "5")
    #expect(totals["credited"] == "95")
    #expect(totals["claimed"] == "100")
    #expect(totals["slashed"] == "0.3")
    #expect((document["journal"] as? [String: Any])?["addsUp"] as? Bool == true)
    let rows = try #require(document["rows"] as? [[String: String]])
    #expect(
      rows.map { $0["credited"] } == [
        "0", "31.666666666666666667", "47.5", "15.833333333333333333",
      ])
    let table = try CLI.run(["rewards", "--asset", "FET", "--db", db])
    #expect(table.stdout.contains("adds up: rewards 100 and slashes 0.3 are the journal's"))
    // Amounts are right-aligned on their decimal point: the credited column's points line up.
    let credited = table.stdout.split(separator: "\n").filter { $0.hasPrefix("2024-01") }
    let points = credited.compactMap { line -> Int? in
      let cells = line.split(separator: " ", omittingEmptySubsequences: true)
      guard cells.count > 4, let index = line.range(of: " " + cells[4] + " ") else { return nil }
      let cell = cells[4]
      let offset = line.distance(from: line.startIndex, to: index.lowerBound) + 1
      return offset
        + (cell.firstIndex(of: ".").map { cell.distance(from: cell.startIndex, to: $0) }
          ?? cell.count)
    }
    #expect(Set(points).count == 1, "\(credited)")
    let csv = try CLI.run([
      "rewards", "--asset", "FET", "--db", db, "--format", "csv", "--delegator",
      "fetch16254fzc4yzuassvg08fffw8u6dxvf28fv9dnnx",
    ])
    #expect(csv.stdout.split(separator: "\n").count == 2)
    let unknown = try CLI.run([
      "rewards", "--asset", "FET", "--db", db, "--validator",
      "fetchvaloper14kn0kk33szpwus9nh8n87fjel8djx0y0dzxfx3",
    ])
    #expect(unknown.exitCode == 2)
    #expect(unknown.stderr.contains("not a registered FET validator"))
    let backwards = try CLI.run([
      "rewards", "--asset", "FET", "--db", db, "--from", "2024-02", "--to", "2024-01",
    ])
    #expect(backwards.exitCode == 2)
  }

  @Test func infoAssetsAndValidatorsDescribeTheLedger() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let info = try CLI.json(try CLI.run(["info", "--db", db, "--format", "json"]).stdout)
    let audit = try CLI.json(try CLI.run(["audit", "--db", db, "--format", "json"]).stdout)
    #expect(info["headHash"] as? String == audit["headHash"] as? String)
    #expect(info["stateDigest"] as? String == audit["stateDigest"] as? String)
    #expect(info["entries"] as? Int == 18)
    let asset = try #require((info["assets"] as? [[String: Any]])?.first)
    #expect(asset["supply"] as? String == "6099.7")
    #expect(asset["holders"] as? Int == 4)
    let validators = try CLI.json(
      try CLI.run(["validators", "--asset", "FET", "--db", db, "--format", "json"]).stdout)
    let first = try #require((validators["validators"] as? [[String: Any]])?.first)
    #expect(first["commission"] as? String == "0.06")
    #expect(first["stake"] as? String == "2799.72")
    #expect(first["delegators"] as? Int == 3)
    #expect(first["pendingRewards"] as? String == "0")
  }

  @Test func historyPagesWithCounterpartiesAndRunningBalances() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let d3 = "fetch17wlu37ev6s786r2qe9qwl38he0hahnekd5jvr3"
    let page = try CLI.json(
      try CLI.run([
        "history", "--account", d3, "--db", db, "--format", "json", "--limit", "2",
      ]).stdout)
    #expect(page["next"] as? Int == 8)
    let entries = try #require(page["entries"] as? [[String: Any]])
    #expect(entries.first?["counterparty"] as? String == "@supply")
    #expect(entries.first?["balance"] as? String == "3000")
    #expect(entries.first?["seq"] as? Int == 4)
    #expect(entries.first?["height"] is NSNull)
    let rest = try CLI.json(
      try CLI.run([
        "history", "--account", d3, "--db", db, "--format", "json", "--after", "8",
      ]).stdout)
    let last = try #require((rest["entries"] as? [[String: Any]])?.last)
    #expect(last["balance"] as? String == "2715.813333333333333333")
    #expect(rest["next"] is NSNull)
    let slashes = try CLI.json(
      try CLI.run([
        "history", "--account", d3, "--db", db, "--format", "json", "--from", "2024-01-10",
        "--to", "2024-01-11",
      ]).stdout)
    #expect(
      (slashes["entries"] as? [[String: Any]])?.map { $0["change"] as? String } == [
        "-0.03", "-0.02",
      ])
  }

  /// The report as a person sees it: rendered by headless Chromium to a PNG, and its text
  /// (through `--dump-dom`) holding the numbers of the statements and the audit.
  @Test func theHTMLReportRendersInChromiumWithTheNumbers() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let html = directory + "/report.html"
    let result = try CLI.run(["report", "--html", html, "--db", db, "--format", "json"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let summary = try CLI.json(result.stdout)
    let head = try #require(summary["headHash"] as? String)
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(!page.contains("<script"), "the report runs no script")
    #expect(!page.contains("http://") && !page.contains("https://"), "the report fetches nothing")
    // A second report replaces the first; the ledger itself can never be named.
    #expect(try CLI.run(["report", "--html", html, "--db", db]).exitCode == 0)
    let overwrite = try CLI.run(["report", "--html", db, "--db", db])
    #expect(overwrite.exitCode == 2)
    #expect(overwrite.stderr.contains("not a TokenLedger report"))
    guard let chromium = Self.chromium else {
      print("skipped rendering: no chromium here (Debian: apt-get install chromium)")
      return
    }
    let png = directory + "/report.png"
    let dom = directory + "/dom.html"
    let flags = "--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars"
    #expect(
      try CLI.shell(
        "\(chromium) \(flags) --screenshot=\(png) --window-size=1200,2400 file://\(html) >/dev/null 2>&1"
      ) == 0)
    let image = try Data(contentsOf: URL(fileURLWithPath: png))
    #expect(image.count > 20_000, "a screenshot of a drawn page, not a blank one")
    #expect(Array(image.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    #expect(
      try CLI.shell("\(chromium) \(flags) --dump-dom file://\(html) > \(dom) 2>/dev/null") == 0)
    let text = try String(contentsOfFile: dom, encoding: .utf8)
    for expected in [
      head, "audit passed", "6,099.7", "2,799.72", "31.666666666666666667", "15.833333333333333333",
      "adds up", Self.validator, "<svg",
    ] {
      #expect(text.contains(expected), "the rendered page shows \(expected)")
    }
    if let keep = ProcessInfo.processInfo.environment["TOKENLEDGER_REPORT_SCREENSHOT"] {
      _ = try CLI.shell("cp \(png) \(keep)")
    }
  }

  /// An audit already run can be shown instead of a new one, only if it is of the head now.
  @Test func aReportShowsAnEarlierAuditOnlyOfTheSameHead() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let auditFile = directory + "/audit.json"
    let audit = try CLI.run(["audit", "--db", db, "--format", "json"])
    try audit.stdout.write(toFile: auditFile, atomically: true, encoding: .utf8)
    let html = directory + "/r.html"
    let shown = try CLI.run(["report", "--html", html, "--db", db, "--audit", auditFile])
    #expect(shown.exitCode == 0, "\(shown.stderr)")
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("read from <code>\(auditFile)</code>"))
    let tick = #"{"op":"tick","asset":"FET","time":"2024-02-01T00:00:00Z"}"#
    #expect(try CLI.run(["apply", "--db", db], stdin: tick).exitCode == 0)
    let stale = try CLI.run(["report", "--html", html, "--db", db, "--audit", auditFile])
    #expect(stale.exitCode == 2)
    #expect(stale.stderr.contains("the audit is of entry 18"))
    let notAnAudit = try CLI.run(["report", "--html", html, "--db", db, "--audit", db])
    #expect(notAnAudit.exitCode == 2)
  }

  /// Probe findings: an audit of another state at the same head (a ledger edited outside the
  /// journal) or an audit without its checks is refused; the replaced report keeps its mode;
  /// a public key that is not one is a usage error.
  @Test func anAuditOfAnotherStateOrWithoutItsChecksIsRefused() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let auditFile = directory + "/audit.json"
    try CLI.run(["audit", "--db", db, "--format", "json"]).stdout.write(
      toFile: auditFile, atomically: true, encoding: .utf8)
    let html = directory + "/r.html"
    #expect(try CLI.run(["report", "--html", html, "--db", db]).exitCode == 0)
    #expect(chmod(html, 0o600) == 0)
    let empty = directory + "/empty.json"
    let document = try String(contentsOfFile: auditFile, encoding: .utf8)
    let checks = try #require(document.range(of: #""checks":["#))
    let end = try #require(document.range(of: #"],"entries""#))
    try (document[..<checks.upperBound] + document[end.lowerBound...]).write(
      toFile: empty, atomically: true, encoding: .utf8)
    let noChecks = try CLI.run(["report", "--html", html, "--db", db, "--audit", empty])
    #expect(noChecks.exitCode == 2)
    #expect(noChecks.stderr.contains("the audit lacks the checks"))
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
      print("skipped the tampered-ledger half: no sqlite3 shell here (apt-get install sqlite3)")
      return
    }
    #expect(
      try CLI.shell(
        "sqlite3 \(db) \"UPDATE balances SET amount = '547600000000000000000' WHERE amount = '547500000000000000000'\""
      ) == 0)
    let tampered = try CLI.run(["report", "--html", html, "--db", db, "--audit", auditFile])
    #expect(tampered.exitCode == 2)
    #expect(tampered.stderr.contains("state digest"))
    let own = try CLI.run(["report", "--html", html, "--db", db])
    #expect(own.exitCode == 1, "its own audit finds the edit")
    #expect(try String(contentsOfFile: html, encoding: .utf8).contains("AUDIT FAILED"))
    var status = stat()
    #expect(stat(html, &status) == 0 && status.st_mode & 0o777 == 0o600)
    let badKey = try CLI.run([
      "report", "--html", html, "--db", db, "--checkpoint", auditFile, "--public-key", "zz",
    ])
    #expect(badKey.exitCode == 2)
  }

  @Test func historyBoundsAreHeightsWhenDigitsAndMustBeInOrder() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/h.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    let lines = [
      #"{"op":"defineAsset","symbol":"TOK","decimals":0,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"TOK","to":"a","amount":"5","height":999}"#,
      #"{"op":"mint","asset":"TOK","to":"a","amount":"5","height":2024}"#,
      #"{"op":"mint","asset":"TOK","to":"a","amount":"5","height":5000}"#,
    ].joined(separator: "\n")
    #expect(try CLI.run(["apply", "--db", db], stdin: lines).exitCode == 0)
    let page = try CLI.json(
      try CLI.run([
        "history", "--account", "a", "--db", db, "--from", "1000", "--to", "5000", "--format",
        "json",
      ]).stdout)
    #expect((page["entries"] as? [[String: Any]])?.map { $0["height"] as? Int } == [2024])
    let backwards = try CLI.run([
      "history", "--account", "a", "--db", db, "--from", "5000", "--to", "1000",
    ])
    #expect(backwards.exitCode == 2)
  }

  /// Invisible format characters (a right-to-left override reorders the rest of a line) are
  /// written as escapes in tables, as control characters are.
  @Test func tablesEscapeBidirectionalOverrides() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/b.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    let lines = [
      #"{"op":"defineAsset","symbol":"TOK","decimals":0,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"TOK","to":"evil\u202Eabc\u200B","amount":"5"}"#,
    ].joined(separator: "\n")
    #expect(try CLI.run(["apply", "--db", db], stdin: lines).exitCode == 0)
    let table = try CLI.run(["balance", "--db", db])
    #expect(table.stdout.contains("evil\\u{202E}abc\\u{200B}"))
    #expect(!table.stdout.unicodeScalars.contains { $0.value == 0x202E })
  }

  @Test func validatorsShowTheLimitsThatBind() throws {
    let (directory, db) = try Self.stakingLedger()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let validators = try CLI.json(
      try CLI.run(["validators", "--asset", "FET", "--db", db, "--format", "json"]).stdout)
    let first = try #require((validators["validators"] as? [[String: Any]])?.first)
    #expect(first["maxChangeRate"] as? String == "0.01", "the asset's maxCommissionChange")
  }

  /// Names are text, never markup: an `any`-scheme holder spelled as an HTML tag.
  @Test func namesInTheReportAreEscaped() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/x.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    let lines = [
      #"{"op":"defineAsset","symbol":"TOK","decimals":2,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"TOK","to":"<img src=x onerror=alert(1)>","amount":"5"}"#,
    ].joined(separator: "\n")
    #expect(try CLI.run(["apply", "--db", db], stdin: lines).exitCode == 0)
    let html = directory + "/r.html"
    #expect(try CLI.run(["report", "--html", html, "--db", db]).exitCode == 0)
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(!page.contains("<img"))
    #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
  }
}

/// The command line as a new user finds it: a version, help with examples for every
/// subcommand, a manual page that is not stale.
@Suite struct HelpTests {
  static let subcommands = [
    "init", "load", "apply", "balance", "history", "export", "audit", "replay", "checkpoint",
    "import", "reconcile", "liabilities", "verify-liability", "rewards", "info", "assets",
    "validators", "report",
  ]

  @Test func versionComesFromTheLibrary() throws {
    let result = try CLI.run(["--version"])
    #expect(result.exitCode == 0)
    #expect(result.stdout.hasPrefix("2.0.0 (schema "))
    let document = try CLI.json(
      try CLI.run(["balance", "--db", "/nonexistent/x", "--format", "json"]).stdout)
    #expect((document["tokenledger"] as? [String: Any])?["version"] as? String == "2.0.0")
  }

  @Test(arguments: subcommands) func everySubcommandExplainsItselfWithExamples(name: String) throws
  {
    let help = try CLI.run([name, "--help"])
    #expect(help.exitCode == 0)
    #expect(help.stdout.contains("Examples:"), "\(name) --help has examples")
    #expect(help.stdout.contains("  tokenledger \(name)"), "\(name)'s examples use it")
  }

  /// docs/man/tokenledger.1 is generated from the help (tools/gen-man.sh), which records the
  /// hash of the help it was made from: a help changed without the page fails here.
  @Test func theManualPageIsNotStale() throws {
    let page = CLI.repository + "/docs/man/tokenledger.1"
    #expect(FileManager.default.fileExists(atPath: page))
    let recorded = try String(
      contentsOfFile: CLI.repository + "/docs/man/tokenledger.help.sha256", encoding: .utf8)
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let dump = try CLI.run(["--experimental-dump-help"])
    try dump.stdout.write(toFile: directory + "/help.json", atomically: true, encoding: .utf8)
    #expect(
      try CLI.shell(
        "[ \"$(sha256sum < \(directory)/help.json | cut -d' ' -f1)\" = \"\(recorded.trimmingCharacters(in: .whitespacesAndNewlines))\" ]"
      ) == 0, "the help changed since docs/man/tokenledger.1 was generated: run tools/gen-man.sh")
    let manual = try String(contentsOfFile: page, encoding: .utf8)
    for name in Self.subcommands {
      #expect(manual.contains(name), "the manual names \(name)")
    }
  }
}

/// An auditor's copy on a read-only mount: the directory cannot hold SQLite's `-shm` file.
@Suite struct ReadOnlyCopyTests {
  @Test func aLedgerInADirectoryNoOneMayWriteIsReadable() throws {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
      print("skipped: needs root and setpriv to read as another user (nobody)")
      return
    }
    let directory = try CLI.temporaryDirectory()
    defer {
      chmod(directory, 0o755)
      try? FileManager.default.removeItem(atPath: directory)
    }
    let db = directory + "/fet.sqlite"
    #expect(
      try CLI.run(["load", CLI.fixture("staking/fet-staking-provider.json"), "--db", db])
        .exitCode == 0)
    #expect(chmod(db, 0o644) == 0 && chmod(directory, 0o555) == 0)
    // The binary and its folders must be readable by nobody: run a copy from the folder.
    let binary = directory + "-bin"
    #expect(
      try CLI.shell("mkdir -p \(binary) && cp \(CLI.binary) \(binary)/ && chmod -R 755 \(binary)")
        == 0)
    defer { try? FileManager.default.removeItem(atPath: binary) }
    let asNobody =
      "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups \(binary)/tokenledger"
    for command in ["balance", "info", "rewards --asset FET", "history --account @slashed"] {
      #expect(
        try CLI.shell("\(asNobody) \(command) --db \(db) >/dev/null") == 0,
        "\(command) reads a ledger in a read-only directory")
    }
  }
}

/// Progress on standard error, `--quiet`, and `--color`.
@Suite struct ProgressAndColorTests {
  @Test func progressGoesToStandardErrorAndQuietSilencesIt() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/p.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    var lines = [#"{"op":"defineAsset","symbol":"TOK","decimals":0,"addressScheme":"any"}"#]
    lines += (0..<25_000).map { #"{"op":"mint","asset":"TOK","to":"a\#($0 % 50)","amount":"1"}"# }
    let stream = lines.joined(separator: "\n")
    let loud = try CLI.run(
      ["apply", "--db", db], stdin: stream, environment: ["TOKENLEDGER_PROGRESS_MS": "0"])
    #expect(loud.exitCode == 0)
    #expect(loud.stderr.contains("apply: 10,000 operations"))
    #expect(loud.stderr.contains("apply: 20,000 operations"))
    #expect(!loud.stdout.contains("10,000"), "progress never mixes with results")
    let replay = try CLI.run(
      ["replay", "--db", db, "--quiet"], environment: ["TOKENLEDGER_PROGRESS_MS": "0"])
    #expect(replay.exitCode == 0)
    #expect(replay.stderr.isEmpty, "--quiet: \(replay.stderr)")
    let logged = try CLI.run(["replay", "--db", db], environment: ["TOKENLEDGER_PROGRESS_MS": "0"])
    #expect(logged.stderr.contains("replay [") && logged.stderr.contains("operations"))
  }

  @Test func colourOnlyWhenAskedOrAtATerminal() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/c.sqlite"
    #expect(
      try CLI.run(["load", CLI.fixture("examples/fet-basics.json"), "--db", db]).exitCode == 0)
    let always = try CLI.run(["audit", "--db", db, "--color", "always"])
    #expect(always.stdout.contains("\u{1B}[32mok\u{1B}[0m"))
    let piped = try CLI.run(["audit", "--db", db])
    #expect(!piped.stdout.contains("\u{1B}["), "a pipe gets no colour")
    let never = try CLI.run(["audit", "--db", db, "--color", "never"])
    #expect(!never.stdout.contains("\u{1B}["))
  }
}

/// A usage error is one line that says what is wrong, then where to look.
@Suite struct UsageErrorTests {
  @Test func aUsageErrorIsOneLineAndAHint() throws {
    let typo = try CLI.run(["histor"])
    #expect(typo.exitCode == 2)
    #expect(
      typo.stderr
        == "tokenledger: Unexpected argument 'histor' (did you mean 'history'?)\nsee 'tokenledger --help'\n"
    )
    let limit = try CLI.run(["history", "--account", "a", "--limit", "0"])
    #expect(limit.exitCode == 2)
    #expect(limit.stderr.split(separator: "\n").count == 2, "\(limit.stderr)")
  }
}

/// Second probe of the polish: examples that run, one JSON document or none, joiners kept.
@Suite struct PolishProbeTests {
  @Test func exportRefusesAFormatThatPromisesOneDocument() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/e.sqlite"
    #expect(
      try CLI.run(["load", CLI.fixture("examples/fet-basics.json"), "--db", db]).exitCode == 0)
    let json = try CLI.run(["export", "--db", db, "--format", "json"])
    #expect(json.exitCode == 2)
    #expect(try CLI.json(json.stdout)["ok"] as? Bool == false, "the refusal is one JSON document")
    // The help's example: a copy rebuilt from the export.
    let copy = directory + "/copy.sqlite"
    #expect(
      try CLI.shell(
        "\(CLI.binary) init --db \(copy) >/dev/null && \(CLI.binary) export --db \(db) | \(CLI.binary) apply - --db \(copy) >/dev/null"
      ) == 0)
    #expect(
      try CLI.json(try CLI.run(["info", "--db", copy, "--format", "json"]).stdout)["headHash"]
        as? String
        == (try CLI.json(try CLI.run(["info", "--db", db, "--format", "json"]).stdout)["headHash"]
          as? String))
  }

  @Test func emojiJoinersStayWhileOverridesAreEscaped() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let db = directory + "/j.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    let lines = [
      #"{"op":"defineAsset","symbol":"TOK","decimals":0,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"TOK","to":"\ud83d\udc68\u200d\ud83d\udc69family","amount":"5"}"#,
    ].joined(separator: "\n")
    #expect(try CLI.run(["apply", "--db", db], stdin: lines).exitCode == 0)
    let table = try CLI.run(["balance", "--db", db])
    #expect(table.stdout.contains("\u{1F468}\u{200D}\u{1F469}family"))
  }
}
