import ArgumentParser
import TokenLedger
import TokenLedgerPostgres

#if canImport(Glibc)
  import Glibc
#endif

/// The `tokenledger` command: parsing and printing only; every rule lives in the library.
@main
struct TokenLedgerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenledger",
    abstract: "An exact, auditable double-entry ledger for crypto tokens (FET, TAO, ...).",
    discussion: """
      Every subcommand works on one ledger: --db PATH, else $TOKENLEDGER_DB, else \
      ledger.sqlite here; a postgresql://…?ledger=NAME URL names a ledger on PostgreSQL. \
      Exit codes: 0 done and clean, 1 findings (audit violations, replay \
      or reconciliation differences, expectations not met), 2 invalid input or usage (nothing \
      applied), 3 I/O or database failure. Errors are one line on stderr; --format json prints \
      one JSON document on stdout, with a `tokenledger` header naming the version and schema.

      Examples:
        tokenledger load fixtures/examples/fet-basics.json
        tokenledger balance --asset FET
        tokenledger audit && tokenledger report --html report.html

      Shell completions: tokenledger --generate-completion-script bash|zsh|fish.
      """,
    version: "\(TokenLedger.version) (schema \(TokenLedger.schemaVersion))",
    subcommands: [
      Init.self, Load.self, Apply.self, Balance.self, History.self, Export.self, Audit.self,
      Replay.self, CheckpointCommand.self, Import.self, Reconcile.self, Liabilities.self,
      LiabilityProofCommand.self, VerifyLiability.self, Rewards.self, Info.self, AssetsCommand.self,
      Validators.self,
      Report.self, Sync.self,
    ])

  /// Runs the command with the contract's exit codes: usage errors are 2 (not
  /// ArgumentParser's 64), and every failure is one line on stderr.
  static func main() {
    // A closed pipe is reported by write() as EPIPE, which Output turns into a quiet exit 3,
    // rather than a signal that kills the process mid-write.
    signal(SIGPIPE, SIG_IGN)
    // The command line opens PostgreSQL ledgers too (`--db postgresql://…`).
    PostgreSQLEngine.install()
    do {
      var command = try parseAsRoot()
      try command.run()
      Output.flush()
    } catch let exit as ExitCode {
      Output.flush()
      Glibc.exit(exit.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == ExitCode.success {
        // --help: printed through Output, so that a failed write is exit 3, not a silent 0.
        Output.line(fullMessage(for: error))
        Output.flush()
        Glibc.exit(0)
      }
      let message = usageMessage(for: error, arguments: Array(CommandLine.arguments.dropFirst()))
      Output.error(message)
      if wantsJSON(Array(CommandLine.arguments.dropFirst())) {
        Output.jsonError(code: "usage", message: message)
        Output.flush()
      }
      Glibc.exit(2)
    }
  }

  /// ArgumentParser's message in one line, plus where to look: a global option written before the
  /// subcommand is named as such, and every usage error points at the subcommand's help.
  static func usageMessage(for error: any Error, arguments: [String]) -> String {
    // The error alone (ArgumentParser's usage synopsis is what `--help` is for), one line,
    // then where to look.
    var message = message(for: error)
    if message.isEmpty { message = "\(error)" }
    let names = Set(configuration.subcommands.map { $0._commandName })
    let subcommand = arguments.first(where: { names.contains($0) })
    if let first = arguments.first, first.hasPrefix("--"), let subcommand {
      let option = String(first.split(separator: "=")[0])
      if ["--db", "--format"].contains(option) {
        return "put \(option) after the subcommand: tokenledger \(subcommand) \(option) …"
          + " (global options follow the subcommand)"
      }
    }
    if subcommand == nil, let first = arguments.first, !first.hasPrefix("-") {
      // A misspelled subcommand: name the one meant, if one is close.
      message += Suggestion.hint(for: first, among: names.sorted())
    }
    let help = subcommand.map { "tokenledger \($0) --help" } ?? "tokenledger --help"
    return message.trimmingTrailingNewlines + "\nsee '\(help)'"
  }

  /// True when the arguments ask for `--format json` (so that even a usage error is JSON).
  static func wantsJSON(_ arguments: [String]) -> Bool {
    zip(arguments, arguments.dropFirst()).contains { $0 == "--format" && $1 == "json" }
      || arguments.contains("--format=json")
  }
}

extension String {
  fileprivate var trimmingTrailingNewlines: String {
    var text = self
    while text.last == "\n" { text.removeLast() }
    return text
  }
}

struct GlobalOptions: ParsableArguments {
  @Option(
    name: .long,
    help:
      "The ledger file, or a postgresql://…?ledger=NAME URL (default: $TOKENLEDGER_DB, else ledger.sqlite)."
  )
  var db: String?

  @Option(name: .long, help: "Output format: table or json (csv where tabular).")
  var format: OutputFormat = .table

  @Flag(name: .long, help: "No progress or notes on standard error (errors still are).")
  var quiet = false

  @Option(name: .long, help: "Colour verdicts: auto (a terminal without NO_COLOR), always, never.")
  var color: ColorMode = .auto

  var path: String {
    db ?? getenv("TOKENLEDGER_DB").map { String(cString: $0) } ?? "ledger.sqlite"
  }

  /// A ledger path names a file: not empty (an unset-looking `TOKENLEDGER_DB=""`), not
  /// SQLite's `:memory:`, which would report "ledger ready" and keep nothing.
  func validate() throws {
    // Output settings for the whole run, set before `run()` (validate runs first).
    Progress.quiet = quiet
    ColorMode.current = color
    let source = db != nil ? "--db" : "TOKENLEDGER_DB"
    if path.isEmpty {
      throw ValidationError("\(source) is empty: name the ledger file")
    }
    if path == ":memory:" || path.hasPrefix("file:") {
      throw ValidationError(
        "\(source) '\(path)' is not a file path: the command line keeps ledgers in files")
    }
    if let problem = Ledger.postgreSQLLocationProblem(path) {
      throw ValidationError("\(source): \(problem)")
    }
  }

  /// Opens an existing ledger; a missing file is an I/O failure (exit 3).
  /// The ledger at `path`; a journal-format-1 ledger is migrated first unless `migrate` is
  /// false (then opening it fails, saying so).
  func openExisting(readOnly: Bool = false, migrate: Bool = true) throws -> Ledger {
    try requireExists()
    if migrate { try migrateIfFormatOne() }
    return try Ledger.open(at: path, readOnly: readOnly)
  }

  /// Whether `path` is a journal-format-1 ledger file with entries (PostgreSQL ledgers never
  /// are); refuses a path with no ledger.
  func isFormatOne() throws -> Bool {
    try requireExists()
    return try !Ledger.isPostgreSQL(path) && Ledger.needsFormatMigration(at: path)
  }

  private func requireExists() throws {
    guard Ledger.isPostgreSQL(path) || access(path, F_OK) == 0 else {
      throw FileError(
        path: path, reason: "no such ledger (create one with `tokenledger init` or `load`)")
    }
  }

  /// A journal-format-1 ledger is migrated to format 2 before a command uses it, with progress
  /// and a note on standard error (the format-1 file is kept at `<path>.format1`).
  func migrateIfFormatOne() throws {
    var meter: Progress.Meter?
    // Nil when there was nothing to migrate, also when another process migrated it while this
    // one waited: the ledger is ready.
    let migrated = try Ledger.migrateToFormat2IfNeeded(at: path) { step in
      if meter == nil {
        meter = Progress.Meter(
          "migrate to journal format 2", total: Int(step.total), unit: "entries")
      }
      meter?.update(Int(step.copied))
    }
    meter?.finish()
    guard let result = migrated else { return }
    Progress.note(
      "migrated \(path) to journal format 2: \(result.entries) format-1 entries kept with their"
        + " hashes, formatChange at entry \(result.formatChangeSequence); the format-1 file is"
        + " \(result.formatOnePath)")
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}
