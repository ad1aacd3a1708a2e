/// An escrowed payment: `amount` reserved from `payer`'s available balance into its
/// `held(hold)` bucket until it is settled to `payee`, voided, or expires.
struct HoldRecord: Sendable, Equatable {
  enum Status: String, Sendable { case open, settled, voided, expired }

  let hold: String
  let asset: String
  let payer: String
  let payee: String
  let amount: Amount
  let expiresTime: Int64?
  let status: Status

  var heldAccount: Account { Account(holder: payer, bucket: .held(hold: hold)) }
}
