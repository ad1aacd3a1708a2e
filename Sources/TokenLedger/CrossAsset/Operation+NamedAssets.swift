/// The assets an operation names: the journal advances each one's clock and checks each one's
/// pause, the encoder writes each amount in its own decimals, and the audit's clock check
/// follows the same list.
extension Operation {
  /// Whether the operation may name more than one asset (its entry may then move several).
  public var namesSeveralAssets: Bool {
    switch action {
    case .swap, .convert, .stakeIntoSubnet, .unstakeFromSubnet, .moveStake: true
    default: false
    }
  }

  /// Every asset the operation names, the one that dates its entry first, each once; nil for
  /// an operation that names its one asset directly (``assetSymbol``). A subnet is resolved to
  /// its alpha asset with `subnet` (its parent is in the alpha's definition); `unknownAsset`
  /// when a named asset is not defined.
  func namedAssets(
    definition: (String) throws -> AssetDefinition?, subnet: (Int) throws -> AssetDefinition
  ) throws -> [AssetDefinition]? {
    var symbols: [String] = []
    var resolved: [AssetDefinition] = []
    func add(_ asset: AssetDefinition) {
      guard !symbols.contains(asset.symbol) else { return }
      symbols.append(asset.symbol)
      resolved.append(asset)
    }
    func add(_ symbol: String) throws {
      guard !symbols.contains(symbol) else { return }
      guard let found = try definition(symbol) else {
        throw LedgerError(.unknownAsset, "\(kind): unknown asset '\(symbol.truncatedForMessage)'")
      }
      add(found)
    }
    func addSubnet(_ netuid: Int, withParent: Bool) throws {
      let alpha = try subnet(netuid)
      add(alpha)
      if withParent, let parent = alpha.subnet?.of { try add(parent) }
    }
    switch action {
    case .swap(_, _, let give, let get, let fee):
      try add(give.asset)
      try add(get.asset)
      if let fee { try add(fee.asset) }
    case .convert(_, let from, let to, _):
      try add(from.asset)
      try add(to)
    case .stakeIntoSubnet(_, _, let netuid, _, _, _), .unstakeFromSubnet(_, _, let netuid, _, _, _):
      try addSubnet(netuid, withParent: true)
    case .moveStake(_, let from, let to, _, _, _, _):
      try addSubnet(from.netuid, withParent: from.netuid != to.netuid)
      try addSubnet(to.netuid, withParent: false)
    case .transferStake(_, _, _, let netuid, _):
      try addSubnet(netuid, withParent: false)
    default:
      return nil
    }
    return resolved
  }
}
