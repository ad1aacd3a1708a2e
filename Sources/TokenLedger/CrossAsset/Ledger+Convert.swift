/// What a conversion credited: the entry, the whole target base units, and the fraction of
/// one target base unit that rounding down cut off (exact decimal text, `"0"` when none).
public struct ConversionResult: Sendable, Equatable {
  /// The entry written, or the first one of an id seen before with an equal operation.
  public let sequence: Int64?
  /// The amount of the target asset credited.
  public let amount: Amount
  /// The cut-off fraction of one target base unit, e.g. `"0.228"`.
  public let remainder: String
}

extension Ledger {
  /// Converts a holder's `from` amount into `to` at `rate` (target units per source unit) as
  /// a `convert` operation, and reports the amount credited and the remainder rounding cut
  /// off. Throws as ``apply(_:mode:)`` does; nothing is written then.
  public func convert(
    holder: String, from: Operation.AssetAmount, to: String, rate: ExactDecimal,
    id: String? = nil, height: Int64? = nil, at time: LedgerTime? = nil
  ) throws -> ConversionResult {
    let operation = Operation(
      id: id, height: height, at: time,
      action: .convert(holder: holder, from: from, to: to, rate: rate))
    let result = try apply([operation])
    guard let source = try asset(from.asset), let target = try asset(to),
      let converted = rate.convert(
        from.amount, sourceDecimals: source.decimals, targetDecimals: target.decimals)
    else { preconditionFailure("an applied conversion has both assets and fits") }
    let sequence: Int64?
    switch result.first {
    case .applied(let written)?: sequence = written
    case .unchanged(let first)?: sequence = first
    default: preconditionFailure("an atomic batch of one returns one result")
    }
    return ConversionResult(
      sequence: sequence, amount: converted.amount, remainder: converted.remainder)
  }
}
