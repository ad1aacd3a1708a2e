import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

/// The `tokenledger` command: parsing and printing only; every rule lives in the library.
@main
struct TokenLedgerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenledger",
    abstract: "An exact, auditable double-entry ledger for crypto tokens (FET, TAO, …).",
    discussion:
      "Exit codes: 0 done and clean, 1 findings, 2 invalid input or usage, 3 I/O or database failure.",
    subcommands: [
      Init.self, Load.self, Apply.self, Balance.self, History.self, Export.self, Audit.self,
      Replay.self, CheckpointCommand.self, Import.self, Reconcile.self,
    ])

  /// Runs the command with the contract's exit codes: usage errors are 2 (not
  /// ArgumentParser's 64), and every failure is one line on stderr.
  static func main() {
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
        self.exit(withError: error)  // --help, --version
      }
      let message = fullMessage(for: error)
      Output.error(message.isEmpty ? "\(error)" : message)
      Glibc.exit(2)
    }
  }
}

struct GlobalOptions: ParsableArguments {
  @Option(name: .long, help: "The ledger file (default: $TOKENLEDGER_DB, else ledger.sqlite).")
  var db: String?

  @Option(name: .long, help: "Output format: table or json (csv where tabular).")
  var format: OutputFormat = .table

  var path: String {
    db ?? getenv("TOKENLEDGER_DB").map { String(cString: $0) } ?? "ledger.sqlite"
  }

  /// Opens an existing ledger; a missing file is an I/O failure (exit 3).
  func openExisting(readOnly: Bool = false) throws -> Ledger {
    guard access(path, F_OK) == 0 else {
      throw FileError(
        path: path, reason: "no such ledger (create one with `tokenledger init` or `load`)")
    }
    return try Ledger.open(at: path, readOnly: readOnly)
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}
