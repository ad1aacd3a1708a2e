import FoundationEssentials

// Every public error says what went wrong through `localizedDescription` too (with Foundation
// imported), the same one line as its `description`, instead of Foundation's generic
// "The operation couldn't be completed".

extension LedgerError: LocalizedError {
  /// The code and the message: ``description``.
  public var errorDescription: String? { description }
}

extension FileError: LocalizedError {
  /// ``description``.
  public var errorDescription: String? { description }
}

extension LiabilityVerificationError: LocalizedError {
  /// ``description``.
  public var errorDescription: String? { description }
}

extension JSONParser.Failure: LocalizedError {
  /// ``description``.
  public var errorDescription: String? { description }
}

extension DatabaseError: LocalizedError {
  /// ``description``.
  public var errorDescription: String? { description }
}

extension SourceError: LocalizedError {
  /// ``description``.
  public var errorDescription: String? { description }
}
