/// An ERC-20 allowance: an amount, or unlimited (uint256 max on chain), which `transferFrom`
/// never decreases (OpenZeppelin ≥ 4.5).
public enum AllowanceAmount: Sendable, Hashable {
  case limited(Amount)
  case unlimited

  /// `unlimited` or the base units, as stored in `allowances.amount`.
  var storedText: String {
    switch self {
    case .limited(let amount): amount.description
    case .unlimited: "unlimited"
    }
  }

  init?(storedText: String) {
    if storedText == "unlimited" {
      self = .unlimited
    } else if let amount = Amount(baseUnitText: storedText) {
      self = .limited(amount)
    } else {
      return nil
    }
  }

  /// Token-unit text (`unlimited` for the maximum).
  public func formatted(decimals: Int) -> String {
    switch self {
    case .limited(let amount): amount.formatted(decimals: decimals)
    case .unlimited: "unlimited"
    }
  }
}
