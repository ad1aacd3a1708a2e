/// What an external source says happened on chain: one token transfer. `id` is the
/// contract's key `<txhash>:<logIndex>` (hash lower-case, index decimal).
public struct TransferRecord: Sendable, Equatable {
  /// The source's id of the transfer (`0x<txhash>:<logIndex>`).
  public let id: String
  /// The sender, normalized in the asset's scheme.
  public let from: String
  /// The receiver, normalized in the asset's scheme.
  public let to: String
  /// The amount, in base units.
  public let amount: Amount
  /// The block it was included in, if the source says.
  public let block: Int64?
  /// The block's time (Unix seconds), if the source says.
  public let time: Int64?
}

/// What a balance snapshot says one address holds in one bucket (or in total).
public struct BalanceRecord: Sendable, Equatable {
  /// The holder, normalized in the asset's scheme.
  public let address: String
  /// The asset's symbol.
  public let asset: String
  /// nil means the total of every bucket.
  public let bucket: Bucket.Kind?
  /// The validator of a staked, unbonding or rewards row.
  public let validator: String?
  /// The amount, in base units.
  public let amount: Amount
  /// The 1-based line of the source.
  public let line: Int
}

/// The kinds of external source (`--kind`).
public enum SourceKind: String, Sendable, CaseIterable {
  case etherscanCSV = "etherscan-csv"
  case ethLogs = "eth-logs"
  case etlTransfers = "etl-transfers"
  case balancesCSV = "balances-csv"
  case subtensorSnapshot = "subtensor-snapshot"
  /// The Bittensor SDK's stake list of dynamic TAO (reconcile only).
  case subtensorStakes = "subtensor-stakes"
  /// A file of dated prices, `time,price` (import only: `price` operations).
  case pricesCSV = "prices-csv"
  case cosmosExport = "cosmos-export"

  /// Whether the source lists transfers (matched on ids) rather than balances.
  public var isTransferSource: Bool {
    switch self {
    case .etherscanCSV, .ethLogs, .etlTransfers: true
    case .balancesCSV, .subtensorSnapshot, .subtensorStakes, .cosmosExport, .pricesCSV: false
    }
  }

  /// A chain's state (balances, stakes, validators) rather than its transfers.
  public var isStateSnapshot: Bool { self == .subtensorSnapshot || self == .cosmosExport }
}

/// Why a source row was passed over rather than used. Counted in summaries.
public enum SkipReason: String, Sendable, CaseIterable, Comparable {
  case notTransferEvent = "not a Transfer event"
  case nonFungibleTransfer = "ERC-721 Transfer (4 topics, no amount)"
  /// A `Transfer` log of neither shape: not 3 topics, topics that are not addresses, or data
  /// that is not one 32-byte word (sync only; a file's such row is refused).
  case otherTransferShape = "Transfer of another shape (not 3 topics and a 32-byte amount)"
  case otherContract = "another contract's log"
  case removed = "removed by a reorg"
  case duplicate = "duplicate of an earlier row"
  case otherAsset = "another asset's row"
  case otherSubnet = "another subnet's stake"

  /// Ordered by name, for stable reports.
  public static func < (lhs: SkipReason, rhs: SkipReason) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A source row that cannot be read, with where and why. Import stops on the first; reconcile
/// lists them and goes on.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Where in the source: a line or an element.
  public let location: String
  /// Why, as a stable code.
  public let code: ErrorCode
  /// Why, in words.
  public let reason: String
  /// `location: code: reason`.
  public var description: String { "\(location): \(code.rawValue): \(reason)" }

  var ledgerError: LedgerError { LedgerError(code, "\(location): \(reason)") }
}

extension SourceError: CategorizedError {
  /// A source row refused.
  public var category: ErrorCategory { .rejected }
  /// Never.
  public var isTransient: Bool { false }
}
