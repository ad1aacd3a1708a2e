import ArgumentParser
import TokenLedger

/// `--checkpoint FILE --public-key HEX`: a signed checkpoint the ledger must extend.
struct CheckpointOptions: ParsableArguments {
  @Option(help: "A signed checkpoint file (see `tokenledger checkpoint`).")
  var checkpoint: String?

  @Option(help: "The Ed25519 public key (hex) trusted to have signed the checkpoint.")
  var publicKey: String?

  func validate() throws {
    if (checkpoint == nil) != (publicKey == nil) {
      throw ValidationError("--checkpoint and --public-key go together")
    }
    if let publicKey,
      publicKey.utf8.count != 64
        || !publicKey.utf8.allSatisfy({ $0 < 0x80 && Character(UnicodeScalar($0)).isHexDigit })
    {
      throw ValidationError("--public-key must be an Ed25519 public key: 64 hexadecimal digits")
    }
  }

  /// The audit's anchors: the checkpoint read from its file, and an expected head.
  func anchors(expectHead: String? = nil) throws -> AuditAnchors {
    var anchors = AuditAnchors(expectHead: expectHead)
    if let checkpoint, let publicKey {
      anchors.checkpoint = (try Checkpoint(json: try readFile(checkpoint)), publicKey)
    }
    return anchors
  }
}

/// `--from T --to T` for statements: inclusive and exclusive bounds in UTC, each a time, a
/// date, a month or a year.
struct PeriodOptions: ParsableArguments {
  @Option(help: "From this time, inclusive (2024-01-02T00:00:00Z, 2024-01-02, 2024-01 or 2024).")
  var from: String?

  @Option(help: "To this time, exclusive (a time, a date, a month or a year, UTC).")
  var to: String?

  func validate() throws {
    for (name, value) in [("--from", from), ("--to", to)] {
      if let value, UTCTime.parseBound(value) == nil {
        throw ValidationError(
          "\(name) must be a UTC time (2024-01-02T00:00:00Z), a date, a month or a year")
      }
    }
  }

  /// The bounds in Unix seconds; an empty range is a usage error naming the command.
  func bounds(_ command: String) throws -> (from: LedgerTime?, to: LedgerTime?) {
    let start = from.flatMap(LedgerTime.init)
    let end = to.flatMap(LedgerTime.init)
    if let start, let end, end <= start {
      throw UsageError("\(command): --to (\(to!)) must come after --from (\(from!))")
    }
    return (start, end)
  }
}

/// `--height H` and `--time T`: a point on the assets' clocks, for the commands that read the
/// ledger as it was (with the command's own option for an entry: `--at` or `--until`).
struct ClockPointOptions: ParsableArguments {
  @Option(help: "At block height H (per asset clock).")
  var height: Int64?

  @Option(help: "At time T (YYYY-MM-DDTHH:MM:SSZ).")
  var time: String?

  /// Refuses a `--time` that is not a time; each command calls it after its own checks of
  /// which options go together, so that their messages come first.
  func validateTime() throws {
    if let time, UTCTime.parse(time) == nil {
      throw ValidationError("--time must be YYYY-MM-DDTHH:MM:SSZ")
    }
  }

  /// How many of these are given (the command allows at most one, with its own).
  var given: Int { (height == nil ? 0 : 1) + (time == nil ? 0 : 1) }

  /// Whether either is given.
  var isGiven: Bool { given > 0 }

  /// The point: after entry `sequence` when given (the command's own option, which may not go
  /// with these), else at the height or time, else now.
  func point(sequence: Int64?) -> PointInTime {
    if let sequence { return .sequence(sequence) }
    if let height { return .height(height) }
    if let time, let seconds = UTCTime.parse(time) {
      return .time(LedgerTime(unixSeconds: seconds))
    }
    return .now
  }
}
