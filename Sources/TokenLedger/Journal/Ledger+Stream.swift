extension Ledger {
  /// A commit made while streaming operations.
  public struct Commit: Sendable, Equatable {
    /// Input lines up to and including this one are committed.
    public let throughLine: Int
    /// The last entry written so far (nil when nothing has been written yet).
    public let lastSequence: Int64?
    /// The idempotency id of the last operation of the commit, if it had one.
    public let lastId: String?
    /// Operations in this commit.
    public let operations: Int
  }

  /// What a stream applied.
  public struct StreamSummary: Sendable, Equatable {
    /// Operations read.
    public var operations = 0
    /// Operations that wrote an entry.
    public var applied = 0
    /// Operations already applied (same id, same operation).
    public var unchanged = 0
    /// The commits made, in order.
    public var commits: [Commit] = []
  }

  /// Applies JSON Lines from `reader`, blank lines skipped. With `commitEvery` nil the whole
  /// stream is one transaction (a bad line, named by its number, and nothing is applied);
  /// otherwise a commit every `commitEvery` operations, each reported to `onCommit` as it
  /// happens (a bad line then keeps the commits before it). Memory stays flat: one line at a
  /// time. `progress` is called every 10,000 operations with the number read so far.
  public func applyStream(
    _ reader: LineReader, commitEvery: Int? = nil, onCommit: (Commit) -> Void = { _ in },
    progress: (Int) -> Void = { _ in }
  ) throws -> StreamSummary {
    precondition(commitEvery.map { $0 >= 1 && $0 <= Limits.batchOperationsMax } ?? true)
    var summary = StreamSummary()
    /// The next line that is not blank, with its number.
    func nextLine() throws -> (bytes: [UInt8], number: Int)? {
      while let line = try reader.next() {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        return (line, reader.lineNumber)
      }
      return nil
    }
    // Each commit's first line is read before its transaction begins: no transaction is
    // opened for an input that has ended, and none holds the write lock while the input
    // (a terminal, a pipe) has nothing to say yet.
    var upcoming = try nextLine()
    while let first = upcoming {
      upcoming = nil
      var count = 0
      var lastId: String?
      var lastLine = first.number
      var ended = false
      // The commit's last sequence is read inside the committing transaction: read after
      // it, another writer's entry could be named instead.
      let head = try write { journal in
        var current: (bytes: [UInt8], number: Int)? = first
        while let line = current {
          let location = "line \(line.number)"
          // The operation's index in the stream (from 0; blank lines are not operations).
          let index = summary.operations + count
          let object: [String: JSONValue]
          switch OperationLine.parse(line.bytes) {
          case .success(let parsed): object = parsed
          case .failure(let error): throw error.located(location, operationIndex: index)
          }
          do {
            switch try journal.apply(object: object, allowExpectError: false) {
            case .applied: summary.applied += 1
            case .unchanged: summary.unchanged += 1
            }
          } catch let error as LedgerError {
            throw error.located(location, operationIndex: index)
          }
          lastId = object["id"]?.stringValue
          lastLine = line.number
          count += 1
          if (summary.operations + count) % 10_000 == 0 { progress(summary.operations + count) }
          if let every = commitEvery, count >= every { break }
          current = try nextLine()
          ended = current == nil
        }
        return try journal.head().sequence
      }
      summary.operations += count
      let commit = Commit(
        throughLine: lastLine, lastSequence: head == 0 ? nil : head, lastId: lastId,
        operations: count)
      summary.commits.append(commit)
      onCommit(commit)
      if !ended { upcoming = try nextLine() }
    }
    return summary
  }
}
