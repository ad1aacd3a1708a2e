import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

/// Progress of long work, on standard error (standard output carries results): on a terminal
/// one line redrawn in place (a bar when the total is known), otherwise a line every few
/// seconds that a log keeps; nothing with `--quiet`.
enum Progress {
  /// Set once from `--quiet` before the command runs (the CLI is single-threaded).
  nonisolated(unsafe) static var quiet = false

  static let isTerminal = isatty(2) == 1

  /// `TOKENLEDGER_PROGRESS_MS`, when set: the delay before the first report and between two.
  static let interval: Int64? = getenv("TOKENLEDGER_PROGRESS_MS").flatMap {
    Int64(String(cString: $0))
  }

  /// A one-off note about what is being done.
  static func note(_ text: String) {
    if !quiet { Output.error(text) }
  }

  static func milliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
  }

  /// Counts one piece of work: `update` as it goes, `finish` once.
  final class Meter {
    let label: String
    let total: Int?
    let unit: String
    private var last: Int64
    private let started = Progress.milliseconds()
    private var drawn = false

    init(_ label: String, total: Int? = nil, unit: String) {
      self.label = label
      self.total = total
      self.unit = unit
      self.last = Progress.milliseconds()
    }

    func update(_ count: Int) {
      guard !Progress.quiet else { return }
      let now = Progress.milliseconds()
      // Redrawn ten times a second on a terminal; logged every five seconds elsewhere, and
      // never for work that ends within the first second (TOKENLEDGER_PROGRESS_MS sets both
      // intervals, for logs that want more and for tests).
      let interval = Progress.interval ?? (Progress.isTerminal ? 100 : 5000)
      guard now - started >= (Progress.interval ?? 1000), now - last >= interval else {
        return
      }
      last = now
      let text = describe(count, elapsed: now - started)
      if Progress.isTerminal {
        Output.flush()
        Progress.write("\r\u{1B}[2K" + text)
        drawn = true
      } else {
        Output.error(text)
      }
    }

    /// Clears the redrawn line (the command prints its own summary).
    func finish() {
      if drawn { Progress.write("\r\u{1B}[2K") }
      drawn = false
    }

    private func describe(_ count: Int, elapsed: Int64) -> String {
      let rate = elapsed > 0 ? Int64(count) * 1000 / elapsed : 0
      guard let total, total > 0 else {
        return "\(label): \(Progress.grouped(count)) \(unit) (\(Progress.grouped(Int(rate)))/s)"
      }
      let filled = min(30, count * 30 / total)
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
      return
        "\(label) [\(bar)] \(min(100, count * 100 / total))% \(Progress.grouped(count))/\(Progress.grouped(total)) \(unit)"
    }
  }

  static func grouped(_ value: Int) -> String {
    var digits = String(value)
    var result = ""
    while digits.count > 3 {
      result = "," + digits.suffix(3) + result
      digits.removeLast(3)
    }
    return digits + result
  }

  fileprivate static func write(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
  }
}

/// `--color auto|always|never`: colour for people at a terminal, never in a pipe or a file,
/// and never when `NO_COLOR` is set (https://no-color.org) unless asked for with `always`.
enum ColorMode: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  /// Set once from `--color` before the command runs (the CLI is single-threaded).
  nonisolated(unsafe) static var current = ColorMode.auto

  static var enabled: Bool {
    switch current {
    case .always: true
    case .never: false
    case .auto:
      isatty(1) == 1 && getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true
        && getenv("TERM").map { String(cString: $0) != "dumb" } ?? false
    }
  }

  /// A verdict in green or red (bold), or as it is without colour.
  static func verdict(_ text: String, good: Bool) -> String {
    enabled ? (good ? "\u{1B}[32m" : "\u{1B}[1;31m") + text + "\u{1B}[0m" : text
  }
}
