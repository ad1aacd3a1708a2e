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

extension ApplyResult: JSONForm {
  /// `{"result": "applied", "sequence"}`, `{"result": "unchanged", "sequence": n | null}` or
  /// `{"result": "failed", "error": {"code", "message", "operationIndex"}}`.
  public var jsonObject: JSONValue {
    switch self {
    case .applied(let sequence):
      .object(["result": .string("applied"), "sequence": .number(String(sequence))])
    case .unchanged(let sequence):
      .object([
        "result": .string("unchanged"), "sequence": sequence.map { .number(String($0)) } ?? .null,
      ])
    case .failed(let error): .object(["result": .string("failed"), "error": error.jsonObject])
    }
  }

  /// Reads the JSON form back; a field that is not one is `invalidOperation` naming it.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "ApplyResult")
    switch try fields.string("result") {
    case "applied": self = .applied(sequence: try fields.integer("sequence"))
    case "unchanged": self = .unchanged(sequence: try fields.optionalInteger("sequence"))
    case "failed": self = .failed(try LedgerError(jsonObject: fields.value("error")))
    case let other:
      throw fields.fail(
        "result", "'\(other.truncatedForMessage)' is not applied, unchanged or failed")
    }
  }
}
