import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

/// Printing and exit codes, shared by the subcommands.
enum Output {
  /// Standard output, buffered. The CLI runs on one thread, so this global is never shared;
  /// `nonisolated(unsafe)` records that choice for the compiler.
  nonisolated(unsafe) private static var buffer: [UInt8] = []

  static func error(_ message: String) {
    flush()
    writeAll(2, Array("tokenledger: \(message)\n".utf8))
  }

  static func line(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    buffer.append(0x0A)
    if buffer.count >= 1 << 16 { flush() }
  }

  static func flush() {
    writeAll(1, buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written <= 0 { return }
      offset += written
    }
  }

  static func json(_ value: JSONValue) {
    line(CanonicalJSON.encode(value))
  }

  /// Maps an error to the contract's exit code after printing it: 2 for rejected input,
  /// 3 for I/O and database failures.
  static func fail(_ error: any Error, format: OutputFormat, context: String) -> ExitCodeError {
    switch error {
    case let ledgerError as LedgerError:
      Output.error("\(context) failed: \(ledgerError.code.rawValue): \(ledgerError.message)")
      if format == .json {
        json(
          .object([
            "ok": .bool(false),
            "error": .object([
              "code": .string(ledgerError.code.rawValue), "message": .string(ledgerError.message),
            ]),
          ]))
      }
      return ExitCodeError(code: 2)
    case let databaseError as DatabaseError:
      Output.error("\(context) failed: \(databaseError)")
      return ExitCodeError(code: 3)
    case let fileError as FileError:
      Output.error("\(context) failed: \(fileError)")
      return ExitCodeError(code: 3)
    default:
      Output.error("\(context) failed: \(error)")
      return ExitCodeError(code: 3)
    }
  }

  /// Left-aligned columns for people.
  static func table(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func render(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        index == cells.count - 1
          ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
      }.joined(separator: "  ")
    }
    line(render(header))
    for row in rows { line(render(row)) }
  }

  /// RFC 4180 CSV.
  static func csv(_ header: [String], _ rows: [[String]]) {
    func quote(_ cell: String) -> String {
      cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
    for row in [header] + rows { line(row.map(quote).joined(separator: ",")) }
  }
}

/// Ends the process with a contract exit code (the message was already printed).
struct ExitCodeError: Error {
  let code: Int32
}

extension String {
  func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}

/// Runs a subcommand body, turning failures into the contract's exit codes.
func runReporting(_ format: OutputFormat, _ context: String, _ body: () throws -> Int32) throws {
  let code: Int32
  do {
    code = try body()
  } catch let error as ExitCodeError {
    code = error.code
  } catch {
    code = Output.fail(error, format: format, context: context).code
  }
  Output.flush()
  if code != 0 { throw ExitCode(code) }
}
