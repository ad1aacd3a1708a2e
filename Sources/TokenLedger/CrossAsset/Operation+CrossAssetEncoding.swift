/// The canonical JSON of the operations that name several assets, and of the subnet and price
/// operations: each amount in its own asset's decimals (subnet amounts in rao, 9 decimals, as
/// every alpha and its parent have).
extension Operation {
  func crossAssetFields(decimals: [String: Int]) -> [(String, JSONValue)] {
    func side(_ value: AssetAmount) -> JSONValue {
      let places = decimals[value.asset] ?? 0
      return .object([
        "asset": .string(value.asset), "amount": .string(value.amount.formatted(decimals: places)),
      ])
    }
    func rao(_ value: Amount) -> JSONValue { .string(value.formatted(decimals: Subnet.decimals)) }
    func netuid(_ value: Int) -> JSONValue { .number(String(value)) }
    func position(_ value: StakePosition) -> JSONValue {
      .object(["hotkey": .string(value.hotkey), "netuid": netuid(value.netuid)])
    }
    switch action {
    case .swap(let pool, let trader, let give, let get, let fee):
      var fields: [(String, JSONValue)] = [
        ("pool", .string(pool)), ("trader", .string(trader)), ("give", side(give)),
        ("get", side(get)),
      ]
      if let fee { fields.append(("fee", side(fee))) }
      return fields
    case .convert(let holder, let from, let to, let rate):
      return [
        ("holder", .string(holder)), ("from", side(from)), ("to", .object(["asset": .string(to)])),
        ("rate", .string(rate.description)),
      ]
    case .price(let asset, let unit, let price):
      return [
        ("asset", .string(asset)), ("in", .string(unit)), ("price", .string(price.description)),
      ]
    case .stakeIntoSubnet(let coldkey, let hotkey, let subnet, let tao, let alpha, let fee),
      .unstakeFromSubnet(let coldkey, let hotkey, let subnet, let alpha, let tao, let fee):
      var fields: [(String, JSONValue)] = [
        ("coldkey", .string(coldkey)), ("hotkey", .string(hotkey)), ("netuid", netuid(subnet)),
        ("tao", rao(tao)), ("alpha", rao(alpha)),
      ]
      if !fee.isZero { fields.append(("fee", rao(fee))) }
      return fields
    case .moveStake(let coldkey, let from, let to, let alpha, let tao, let received, let fee):
      var fields: [(String, JSONValue)] = [
        ("coldkey", .string(coldkey)), ("from", position(from)), ("to", position(to)),
        ("alpha", rao(alpha)), ("received", rao(received)),
      ]
      if let tao { fields.append(("tao", rao(tao))) }
      if !fee.isZero { fields.append(("fee", rao(fee))) }
      return fields
    case .transferStake(let from, let to, let hotkey, let subnet, let alpha):
      return [
        ("from", .string(from)), ("to", .string(to)), ("hotkey", .string(hotkey)),
        ("netuid", netuid(subnet)), ("alpha", rao(alpha)),
      ]
    default:
      preconditionFailure("\(kind) is encoded by jsonFields(decimals:others:)")
    }
  }
}
