import Foundation
import Testing

/// Four processes apply to one ledger file at once while audit and balance read: every
/// operation lands exactly once, no lock error reaches the user, readers never see a
/// half-applied operation, and the ledger audits clean. (`tools/torture` runs the same with
/// 10,000 operations per writer.)
@Suite struct ConcurrencyTests {
  @Test func fourWritersAndTwoReadersOnOneFile() async throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/shared.sqlite"
    let setup = try CLI.run(
      ["apply", "--db", db, "-"],
      stdin: #"{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any"}"#)
    #expect(setup.exitCode == 3, "apply needs an existing ledger")
    try CLI.initWithAsset(db)
    let perWriter = 1500
    let results = try await withThrowingTaskGroup(of: (String, CLI.Result).self) { group in
      for writer in 0..<4 {
        group.addTask {
          var lines: [String] = []
          for index in 0..<perWriter {
            // Each writer mints to itself and pays the others, so writers contend on balances.
            lines.append(
              #"{"op":"mint","asset":"T","to":"w\#(writer)","amount":"1","id":"w\#(writer)-m\#(index)"}"#
            )
            if index % 3 == 2 {
              lines.append(
                #"{"op":"transfer","asset":"T","from":"w\#(writer)","to":"w\#((writer + 1) % 4)","amount":"0.5","id":"w\#(writer)-t\#(index)"}"#
              )
            }
          }
          return (
            "writer \(writer)",
            try CLI.run(
              ["apply", "--db", db, "--batch", "50", "-"], stdin: lines.joined(separator: "\n"))
          )
        }
      }
      for reader in 0..<2 {
        group.addTask {
          var last = CLI.Result(exitCode: 0, stdout: "", stderr: "")
          for _ in 0..<6 {
            last = try CLI.run([reader == 0 ? "audit" : "balance", "--db", db, "--format", "json"])
            if last.exitCode != 0 { break }
          }
          return ("reader \(reader)", last)
        }
      }
      var collected: [(String, CLI.Result)] = []
      for try await result in group { collected.append(result) }
      return collected
    }
    for (name, result) in results {
      #expect(result.exitCode == 0, "\(name): \(result.stderr)")
      #expect(!result.stderr.contains("locked"), "\(name): \(result.stderr)")
    }
    let audit = try CLI.run(["audit", "--db", db, "--format", "json"])
    #expect(audit.exitCode == 0)
    let expectedOperations = 4 * (perWriter + perWriter / 3)
    #expect(try CLI.json(audit.stdout)["entries"] as? Int == 1 + expectedOperations)
    let balance = try CLI.json(try CLI.run(["balance", "--db", db, "--format", "json"]).stdout)
    let totals = (balance["balances"] as? [[String: String]] ?? []).compactMap { $0["total"] }
    #expect(
      totals == Array(repeating: "1500", count: 4),
      "each writer minted 1500 and paid out what it received")
  }
}

/// Replay reads the journal and the stored state it compares with in one snapshot: a writer
/// committing meanwhile can never show up as a difference.
@Suite struct ReplaySnapshotTests {
  @Test func replayWhileAnotherProcessWritesFindsNoDifference() async throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/shared.sqlite"
    #expect(try CLI.run(["init", "--db", db]).exitCode == 0)
    var setup = [#"{"op":"defineAsset","symbol":"T","decimals":0,"addressScheme":"any"}"#]
    for index in 0..<20_000 {
      setup.append(#"{"op":"mint","asset":"T","to":"a\#(index % 50)","amount":"1"}"#)
    }
    #expect(
      try CLI.run(["apply", "--db", db, "-"], stdin: setup.joined(separator: "\n")).exitCode == 0)
    let results = try await withThrowingTaskGroup(of: (String, CLI.Result).self) { group in
      group.addTask {
        var lines: [String] = []
        for index in 0..<3000 {
          lines.append(
            #"{"op":"transfer","asset":"T","from":"a\#(index % 50)","to":"b","amount":"1"}"#)
        }
        return (
          "writer",
          try CLI.run(
            ["apply", "--db", db, "--batch", "1", "-"], stdin: lines.joined(separator: "\n"))
        )
      }
      group.addTask {
        var last = CLI.Result(exitCode: 0, stdout: "", stderr: "")
        for _ in 0..<4 {
          last = try CLI.run(["replay", "--db", db, "--format", "json"])
          if last.exitCode != 0 { break }
        }
        return ("replay", last)
      }
      var collected: [(String, CLI.Result)] = []
      for try await result in group { collected.append(result) }
      return collected
    }
    for (name, result) in results {
      #expect(result.exitCode == 0, "\(name): \(result.stderr) \(result.stdout.prefix(500))")
    }
  }
}
