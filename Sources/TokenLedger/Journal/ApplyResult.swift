/// How a batch treats a failing operation.
public enum BatchMode: Sendable {
  /// All or nothing: the first failure rolls the whole batch back and is thrown.
  case atomic
  /// Each operation succeeds or fails alone; failures are reported per operation.
  case independent
}

/// The result of one operation of a batch.
public enum ApplyResult: Sendable, Equatable {
  /// Written as entry `sequence`.
  case applied(sequence: Int64)
  /// Nothing to write: an id seen before with an equal operation (its first entry), or an
  /// identical asset definition.
  case unchanged(sequence: Int64?)
  /// Rejected (independent batches only); nothing of it was written.
  case failed(LedgerError)

  init(_ outcome: Journal.Outcome) {
    switch outcome {
    case .applied(let sequence): self = .applied(sequence: sequence)
    case .unchanged(let sequence): self = .unchanged(sequence: sequence)
    }
  }
}
