/// One movement of an amount of one asset from one account to another. An entry is a list of
/// postings; since each posting takes from one account exactly what it gives to another, every
/// entry balances by construction and the sum of all balances of an asset stays zero.
public struct Posting: Sendable, Hashable {
  /// The asset moved.
  public let asset: String
  /// The account debited.
  public let from: Account
  /// The account credited.
  public let to: Account
  /// How much (never zero).
  public let amount: Amount

  /// A posting.
  public init(asset: String, from: Account, to: Account, amount: Amount) {
    precondition(from != to || amount.isZero, "a posting moves between two accounts")
    self.asset = asset
    self.from = from
    self.to = to
    self.amount = amount
  }
}

/// A change the journal makes besides balances, decided by the compiler with the postings.
enum Effect: Sendable, Equatable {
  case defineAsset(AssetDefinition)
  case setPaused(asset: String, paused: Bool)
  case setAllowance(asset: String, owner: String, spender: String, amount: AllowanceAmount)
  case setValidator(ValidatorRecord)
  case openUnbonding(UnbondingRecord)
  case closeUnbonding(UnbondingRecord)
  case openHold(HoldRecord)
  case closeHold(hold: String, status: HoldRecord.Status)
}

/// What compiling one operation produced: its postings and its other effects.
struct Compilation: Sendable {
  var postings: [Posting] = []
  var effects: [Effect] = []

  mutating func move(_ asset: String, _ amount: Amount, from: Account, to: Account) {
    guard !amount.isZero else { return }
    postings.append(Posting(asset: asset, from: from, to: to, amount: amount))
  }
}
