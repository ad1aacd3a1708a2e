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
  /// What a command already committed when its report is printed, said when the report
  /// cannot be written: the exit code is 3, but the changes were made and a retry would
  /// repeat them (operations without an id).
  nonisolated(unsafe) static var committedNote: String?

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

  /// Writes every byte or ends the process: output that cannot be written (a full disk, a
  /// closed pipe) is exit 3, never exit 0 with the output lost. A closed pipe (`| head -1`)
  /// ends it quietly: whoever reads is gone and wants no message.
  private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let reason = written < 0 ? String(cString: strerror(errno)) : "nothing written"
        let closed = written < 0 && errno == EPIPE
        guard descriptor == 1 else { return }  // stderr failing has nowhere left to say so
        if !closed {
          let note = committedNote.map { "; " + $0 } ?? ""
          let message = Array(
            "tokenledger: writing standard output failed: \(reason)\(note)\n".utf8)
          _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
        Glibc.exit(3)
      }
      offset += written
    }
  }

  /// One JSON document; an object gets the `tokenledger` header (version and schema), so a
  /// script can tell which build wrote it.
  static func json(_ value: JSONValue) {
    guard case .object(var members) = value else { return line(CanonicalJSON.encode(value)) }
    members["tokenledger"] = .object([
      "version": .string(TokenLedger.version),
      "schemaVersion": .number(String(TokenLedger.schemaVersion)),
    ])
    line(CanonicalJSON.encode(.object(members)))
  }

  /// Maps an error to the contract's exit code after printing it: 2 for rejected input,
  /// 3 for I/O and database failures. With `--format json` the error is also one JSON
  /// document on stdout: `{"ok": false, "error": {"code", "message"}}`.
  static func fail(
    _ error: any Error, format: OutputFormat, context: String, extra: [String: JSONValue] = [:]
  ) -> ExitCodeError {
    let (code, message): (String, String) =
      switch error {
      case let ledgerError as LedgerError:
        (ledgerError.code.rawValue, "\(ledgerError.code.rawValue): \(ledgerError.message)")
      case let usage as UsageError: ("usage", usage.message)
      case let databaseError as DatabaseError: ("databaseError", "\(databaseError)")
      case let fileError as FileError: ("ioError", "\(fileError)")
      case let chain as ChainError where chain.category == .rejected:
        ("malformedChainData", chain.message)
      case let chain as ChainError: ("chainUnreachable", chain.message)
      default: ("ioError", "\(error)")
      }
    // The one place an error becomes an exit code: its category's.
    let exit = ((error as? any CategorizedError)?.category ?? .io).exitCode
    Output.error("\(context) failed: \(message)")
    if format == .json {
      if let ledgerError = error as? LedgerError {
        // The library's form of the error: code, message and the operation's index.
        var members: [String: JSONValue] = ["ok": .bool(false), "error": ledgerError.jsonObject]
        members.merge(extra) { first, _ in first }
        json(.object(members))
      } else {
        jsonError(code: code, message: message, extra: extra)
      }
    }
    return ExitCodeError(code: exit)
  }

  /// The JSON error document.
  static func jsonError(code: String, message: String, extra: [String: JSONValue] = [:]) {
    var members: [String: JSONValue] = [
      "ok": .bool(false),
      "error": .object(["code": .string(code), "message": .string(message)]),
    ]
    members.merge(extra) { first, _ in first }
    json(.object(members))
  }

  /// A cell for a table: control characters (a newline would fake a row) and the line and
  /// paragraph separators are written as `\u{…}` escapes, so each row is one line.
  static func escaped(_ cell: String) -> String {
    guard
      cell.unicodeScalars.contains(where: { Self.isControl($0) })
    else { return cell }
    var result = ""
    for scalar in cell.unicodeScalars {
      if Self.isControl(scalar) {
        result += VisibleText.escape(scalar)
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Control characters, the line and paragraph separators, invisible format characters
  /// (bidirectional overrides that reorder a line, zero-width spaces, a byte-order mark; not
  /// the zero-width joiners), and
  /// the backslash itself, so that an escape in a table is never ambiguous.
  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\\" || VisibleText.isHidden(scalar)
  }

  /// Columns for people: text left-aligned; a column whose every cell is a number (amounts,
  /// sequences, heights) right-aligned on its decimal point, so that digits of the same
  /// weight stand in one column.
  static func table(_ header: [String], _ rows: [[String]]) {
    let rows = rows.map { $0.map(escaped) }
    let numeric = header.indices.map { column in
      rows.contains { !$0[column].isEmpty }
        && rows.allSatisfy { $0[column].isEmpty || isNumber($0[column]) }
    }
    // Width of the integer part and of the fraction (with its point) per numeric column.
    var integers = header.map { _ in 0 }
    var fractions = header.map { _ in 0 }
    for row in rows {
      for (index, cell) in row.enumerated() where numeric[index] {
        let (integer, fraction) = splitAtPoint(cell)
        integers[index] = max(integers[index], integer.count)
        fractions[index] = max(fractions[index], fraction.count)
      }
    }
    func aligned(_ cell: String, _ index: Int) -> String {
      guard numeric[index], !cell.isEmpty else { return cell }
      let (integer, fraction) = splitAtPoint(cell)
      return String(repeating: " ", count: integers[index] - integer.count) + integer + fraction
        + String(repeating: " ", count: fractions[index] - fraction.count)
    }
    let body = rows.map { row in row.enumerated().map { aligned($1, $0) } }
    var widths = header.map(\.count)
    for row in body {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func render(_ cells: [String]) -> String {
      var text = cells.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        // A `result` column's verdicts in colour, after the widths were counted.
        let shown =
          header[index] == "result" && ["ok", "FAIL"].contains(cell)
          ? ColorMode.verdict(cell, good: cell == "ok") : cell
        return numeric[index] ? pad + shown : shown + pad
      }.joined(separator: "  ")
      while text.last == " " { text.removeLast() }
      return text
    }
    line(render(header))
    for row in body { line(render(row)) }
  }

  /// `-12.5`, `7`, `0.000001%`: what a numeric column holds.
  static func isNumber(_ cell: String) -> Bool {
    var bytes = Array(cell.utf8)
    if bytes.first == 0x2D { bytes.removeFirst() }
    if bytes.last == 0x25 { bytes.removeLast() }
    let parts = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
    return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty }
      && parts.allSatisfy { $0.allSatisfy { (0x30...0x39).contains($0) } }
  }

  private static func splitAtPoint(_ cell: String) -> (Substring, Substring) {
    guard let point = cell.firstIndex(of: ".") else {
      // A percent sign stands where a fraction would.
      if cell.hasSuffix("%") { return (cell.dropLast(), cell.suffix(1)) }
      return (cell[...], "")
    }
    return (cell[..<point], cell[point...])
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

/// A request the command cannot carry out as written (exit 2), found while running.
struct UsageError: CategorizedError {
  let message: String
  init(_ message: String) { self.message = message }
  var category: ErrorCategory { .rejected }
  var isTransient: Bool { false }
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
func runReporting(
  _ format: OutputFormat, _ context: String, formats: [OutputFormat] = [.table, .json],
  _ body: () throws -> Int32
) throws {
  let code: Int32
  do {
    guard formats.contains(format) else {
      let names = formats.map(\.rawValue).joined(separator: " or ")
      let message = "\(context): --format \(format.rawValue) is not available here (use \(names))"
      Output.error(message)
      // Asked for JSON, the refusal is one JSON document too.
      if format == .json { Output.jsonError(code: "usage", message: message) }
      throw ExitCodeError(code: 2)
    }
    code = try body()
  } catch let error as ExitCodeError {
    code = error.code
  } catch {
    code = Output.fail(error, format: format, context: context).code
  }
  Output.flush()
  if code != 0 { throw ExitCode(code) }
}
