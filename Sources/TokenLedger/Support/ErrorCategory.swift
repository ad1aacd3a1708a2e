/// What kind of failure an error is: the CLI's exit code follows from it in one place, and a
/// caller decides from ``CategorizedError/isTransient`` whether trying again can help.
public enum ErrorCategory: String, Sendable, CaseIterable {
  /// The input or an answer was refused, and the ledger is as it was (exit 2).
  case rejected
  /// The ledger was checked and found wrong (exit 1).
  case findings
  /// The storage, a file or the network failed (exit 3).
  case io

  /// The exit code the contract gives the category.
  public var exitCode: Int32 {
    switch self {
    case .rejected: 2
    case .findings: 1
    case .io: 3
    }
  }
}

/// An error that says its ``ErrorCategory`` and whether it may pass by itself.
public protocol CategorizedError: Error {
  /// Its category.
  var category: ErrorCategory { get }
  /// Whether the same call may succeed later unchanged (a busy database, an endpoint that
  /// did not answer).
  var isTransient: Bool { get }
}

extension LedgerError: CategorizedError {
  /// Rejected input.
  public var category: ErrorCategory { .rejected }
  /// Never: the same input is refused again.
  public var isTransient: Bool { false }
}

extension FileError: CategorizedError {
  /// A file that cannot be read or written.
  public var category: ErrorCategory { .io }
  /// Never: the file is as it is.
  public var isTransient: Bool { false }
}
