/// A place money sits: a holder and a bucket. Holders are canonical addresses of the asset's
/// scheme, or system names starting with `@` that may go negative.
public struct Account: Sendable, Hashable, Codable, CustomStringConvertible {
  /// An address in its asset's scheme, or a system account (`@supply`, `@emission`, `@slashed`, `@external`).
  public let holder: String
  /// Which of the holder's money it is.
  public let bucket: Bucket

  /// An account; `available` unless a bucket is named.
  public init(holder: String, bucket: Bucket = .available) {
    self.holder = holder
    self.bucket = bucket
  }

  /// Minted supply comes from here; it holds minus what was minted and not burned.
  public static let supply = Account(holder: "@supply")
  /// Staking rewards are minted from here.
  public static let emission = Account(holder: "@emission")
  /// What slashing cut away.
  public static let slashed = Account(holder: "@slashed")
  /// Opening balances of imported histories that do not start at the token's genesis.
  public static let external = Account(holder: "@external")

  /// Fees a swap or a subnet's pool charged.
  public static let fees = Account(holder: "@fees")
  /// Where a conversion burns its source and mints its target.
  public static let converted = Account(holder: "@converted")

  /// The ledger's own system accounts, which no pool may be named after.
  public static let reservedHolders: Set<String> = [
    "@supply", "@emission", "@slashed", "@external", "@fees", "@converted",
  ]

  /// The system accounts a `distribute` may pay from.
  public static let systemHolders: Set<String> = ["@supply", "@emission", "@slashed", "@external"]

  /// System accounts may go negative; holder accounts never do.
  public var isSystem: Bool { holder.hasPrefix("@") }

  /// `holder/bucket`, the key used in the hash chain, the state digest and messages.
  public var description: String { "\(holder)/\(bucket)" }
}
