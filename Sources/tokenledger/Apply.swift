import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

struct Apply: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Apply operations, one JSON object a line.",
    discussion: """
      Atomic by default: one bad line (named by its number) and nothing is applied. With \
      --batch N it commits every N operations and reports each commit as it happens; a bad line \
      then keeps the commits before it. Lines are the operations of contract.md (defineAsset, \
      mint, transfer, delegate, reward, distribute, hold, ...). Exit 2 on a bad line, 3 on I/O.

      Examples:
        tokenledger apply ops.jsonl
        cat ops.jsonl | tokenledger apply - --batch 1000
        tokenledger apply - < ops.jsonl --format json
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "A JSON Lines file, or - for standard input.")
  var file: String = "-"

  @Option(help: "Commit every N operations.")
  var batch: Int?

  @Flag(
    help:
      "synchronous=NORMAL for this bulk load: faster; a power loss may drop the last commits (never corrupts)."
  )
  var fastCommits = false

  func validate() throws {
    if let batch, !(1...Limits.batchOperationsMax).contains(batch) {
      throw ValidationError("--batch must be between 1 and \(Limits.batchOperationsMax)")
    }
  }

  func run() throws {
    try runReporting(global.format, "apply") {
      guard Ledger.isPostgreSQL(global.path) || access(global.path, F_OK) == 0 else {
        throw FileError(
          path: global.path, reason: "no such ledger (create one with `tokenledger init`)")
      }
      try global.migrateIfFormatOne()
      let ledger = try Ledger.open(at: global.path, durability: fastCommits ? .normal : .full)
      let reader = try LineReader(path: file)
      if reader.isTerminal {
        Output.error(
          "apply: reading operations from the terminal, one JSON object a line; end with Ctrl-D")
      }
      var committed: (operations: Int, commit: Ledger.Commit)?
      let summary: Ledger.StreamSummary
      do {
        let meter = Progress.Meter("apply", unit: "operations")
        defer { meter.finish() }
        summary = try ledger.applyStream(
          reader, commitEvery: batch,
          onCommit: { commit in
            committed = ((committed?.operations ?? 0) + commit.operations, commit)
            meter.finish()
            report(commit)
          }, progress: meter.update)
      } catch {
        // The batches before the failure are kept: say so, on stderr and in the JSON error.
        guard batch != nil, let committed else { throw error }
        let last = committed.commit.lastSequence.map(String.init) ?? "-"
        throw failAfterCommits(
          error,
          "\(committed.operations) operations were committed through line \(committed.commit.throughLine) (last entry \(last)) before the failure",
          [
            "operations": .number(String(committed.operations)),
            "throughLine": .number(String(committed.commit.throughLine)),
            "lastSequence": committed.commit.lastSequence.map { .number(String($0)) } ?? .null,
          ])
      }
      let state: LedgerSummary
      do {
        state = try ledger.summary()
      } catch {
        // Everything was committed: only the closing report cannot be read (the connection
        // to PostgreSQL lost after the commit, say). Say so: re-applying is not needed.
        throw failAfterCommits(
          error,
          "all \(summary.operations) operations were committed (applied \(summary.applied), unchanged \(summary.unchanged)); only reading the ledger's summary afterwards failed",
          [
            "operations": .number(String(summary.operations)),
            "applied": .number(String(summary.applied)),
            "unchanged": .number(String(summary.unchanged)),
          ])
      }
      printSummary(summary, state)
      return 0
    }
  }

  /// The closing report: what the stream did and where the ledger stands.
  private func printSummary(_ summary: Ledger.StreamSummary, _ state: LedgerSummary) {
    Output.committedNote =
      "the operations were applied (entries \(state.entries), head \(state.headHash)); only this report was lost"
    if global.format == .json {
      Output.json(
        .object([
          "ok": .bool(true), "operations": .number(String(summary.operations)),
          "applied": .number(String(summary.applied)),
          "unchanged": .number(String(summary.unchanged)),
          "commits": .number(String(summary.commits.count)),
          "entries": .number(String(state.entries)),
          "headHash": .string(state.headHash), "stateDigest": .string(state.stateDigest),
        ]))
    } else {
      Output.line(
        "applied \(summary.applied), unchanged \(summary.unchanged), of \(summary.operations) operations"
      )
      Output.line("entries \(state.entries)  head \(state.headHash)  state \(state.stateDigest)")
    }
  }

  /// A failure after some commits: what was kept is said on stderr and in the JSON error.
  private func failAfterCommits(
    _ error: any Error, _ kept: String, _ committed: [String: JSONValue]
  ) -> ExitCodeError {
    Output.error("apply: " + kept)
    return Output.fail(
      error, format: global.format, context: "apply", extra: ["committed": .object(committed)])
  }

  /// Each commit of a batched apply, as it happens (stderr under --format json).
  private func report(_ commit: Ledger.Commit) {
    guard batch != nil else { return }
    let last = commit.lastSequence.map(String.init) ?? "-"
    let message =
      "committed through line \(commit.throughLine): \(commit.operations) operations, last entry \(last), last id \(commit.lastId ?? "-")"
    if global.format == .json {
      Output.error(message)
    } else {
      Output.line(message)
      Output.flush()
    }
  }
}
