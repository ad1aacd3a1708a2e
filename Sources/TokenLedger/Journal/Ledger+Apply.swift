extension Ledger {
  /// Applies operations in one transaction. In `.atomic` mode the first failure throws a
  /// ``LedgerError`` naming the operation's index, and nothing is applied; in `.independent`
  /// mode each failure is returned in its place and the rest is applied.
  @discardableResult
  public func apply(_ operations: [Operation], mode: BatchMode = .atomic) throws -> [ApplyResult] {
    try applyBatch(
      count: operations.count, mode: mode, kind: operations.first?.kind
    ) { journal, index in
      try journal.apply(operations[index])
    }
  }

  /// Applies operations the decoder produced (replay), without decoding them again.
  func apply(decoded operations: [Operation], mode: BatchMode) throws -> [ApplyResult] {
    try applyBatch(count: operations.count, mode: mode, kind: operations.first?.kind) {
      journal, index in
      try journal.apply(decoded: operations[index])
    }
  }

  /// Applies JSON operation objects (the `apply` line format), as ``apply(_:mode:)``.
  @discardableResult
  public func apply(objects: [[String: JSONValue]], mode: BatchMode = .atomic) throws
    -> [ApplyResult]
  {
    try applyBatch(
      count: objects.count, mode: mode,
      kind: objects.first?["op"]?.stringValue.flatMap(OperationKind.init(rawValue:))
    ) { journal, index in
      try journal.apply(object: objects[index], allowExpectError: false)
    }
  }

  /// Parses and applies JSON Lines text, one operation per line, as ``apply(_:mode:)``.
  @discardableResult
  public func apply(jsonLines lines: [String], mode: BatchMode = .atomic) throws -> [ApplyResult] {
    var objects: [[String: JSONValue]] = []
    for (index, line) in lines.enumerated() {
      objects.append(try OperationLine.parse(Array(line.utf8)).located("line \(index + 1)"))
    }
    return try apply(objects: objects, mode: mode)
  }

  /// `kind`: the first operation's, when known. A single operation of a kind that can be
  /// written before the write lock is taken first runs without it (``write(lockLate:_:)``).
  func applyBatch(
    count: Int, mode: BatchMode, kind: OperationKind? = nil,
    _ applyOne: (Journal, Int) throws -> Journal.Outcome
  ) throws -> [ApplyResult] {
    precondition(count <= Limits.batchOperationsMax, "batches are split by the caller")
    let lockLate =
      count == 1 && mode == .atomic && kind.map { Journal.writesBeforeLock($0.entryKind) } == true
    return try write(lockLate: lockLate) { journal in
      var results: [ApplyResult] = []
      results.reserveCapacity(count)
      for index in 0..<count {
        switch mode {
        case .atomic:
          do {
            results.append(ApplyResult(try applyOne(journal, index)))
          } catch let error as LedgerError {
            throw error.atOperation(index)
          }
        case .independent:
          do {
            results.append(ApplyResult(try journal.savepoint { try applyOne(journal, index) }))
          } catch let error as LedgerError {
            results.append(.failed(error.atOperation(index)))
          }
        }
      }
      return results
    }
  }
}

extension Result where Failure == LedgerError {
  func located(_ location: String) throws(LedgerError) -> Success {
    switch self {
    case .success(let value): return value
    case .failure(let error): throw error.located(location)
    }
  }
}

/// One line of JSON Lines input: a JSON object, at most ``Limits/operationLineBytesMax`` bytes.
public enum OperationLine {
  /// Parses one operation line into its JSON object.
  public static func parse(_ bytes: [UInt8]) -> Result<[String: JSONValue], LedgerError> {
    guard bytes.count <= Limits.operationLineBytesMax else {
      return .failure(
        LedgerError(.invalidOperation, "line is longer than \(Limits.operationLineBytesMax) bytes"))
    }
    do {
      guard let object = try JSONParser.parse(bytes).objectValue else {
        return .failure(LedgerError(.invalidOperation, "an operation must be a JSON object"))
      }
      return .success(object)
    } catch {
      return .failure(LedgerError(.invalidOperation, error.description))
    }
  }
}
