/// An escrowed payment: `amount` reserved from `payer`'s available balance into its
/// `held(hold)` bucket until it is settled to `payee`, voided, or expires.
public struct HoldRecord: Sendable, Equatable {
  public enum Status: String, Sendable { case open, settled, voided, expired }

  public let hold: String
  public let asset: String
  public let payer: String
  public let payee: String
  public let amount: Amount
  public let expiresTime: Int64?
  public let status: Status

  var heldAccount: Account { Account(holder: payer, bucket: .held(hold: hold)) }
}
