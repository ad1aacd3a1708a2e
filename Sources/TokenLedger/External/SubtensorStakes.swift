/// The stake list the Bittensor SDK returns for dynamic TAO (contract, "reconcile --kind
/// subtensor-stakes"): `{"block": Int, "stakes": [{"coldkey", "hotkey", "netuid", "stake"}],
/// "subnets": [{"netuid", "taoIn", "alphaIn"}]}`, stakes in rao of the subnet's alpha (netuid
/// 0: TAO), integers possibly above 2^53 (read exactly from the number's text).
struct SubtensorStakes {
  struct Stake {
    let coldkey: String
    let hotkey: String
    let netuid: Int
    let amount: Amount
    /// The stake's place in the file, for messages.
    let index: Int
  }

  /// A subnet's pool reserves at the block (the price of its alpha is taoIn ÷ alphaIn).
  struct Pool {
    let netuid: Int
    let taoIn: Amount
    let alphaIn: Amount
  }

  let block: Int64
  var stakes: [Stake] = []
  var pools: [Pool] = []

  /// Reads and checks every key (in `asset`'s scheme), netuid and amount; the first problem
  /// is `invalidAddress`, `invalidAmount` or `invalidOperation` naming its place.
  init(path: String, asset: AssetDefinition) throws {
    let bytes = try SubtensorSnapshot.read(path)
    guard case .object(let root) = try JSONParser.parseDocument(bytes, name: path) else {
      throw LedgerError(.invalidOperation, "\(path): not a JSON object")
    }
    var fields = FieldReader(operation: path, members: root)
    block = try fields.requiredInteger("block", in: 0...Limits.heightMax)
    let stakes = try fields.requiredArray("stakes")
    let subnets = try fields.optionalArray("subnets") ?? []
    try fields.finish()
    for (index, item) in stakes.enumerated() {
      let place = "stakes[\(index)]"
      guard case .object(let members) = item else {
        throw LedgerError(.invalidOperation, "\(place): not an object")
      }
      var stake = FieldReader(operation: place, members: members)
      let coldkey = try Self.address(stake.requiredString("coldkey"), asset, "\(place).coldkey")
      let hotkey = try Self.address(stake.requiredString("hotkey"), asset, "\(place).hotkey")
      let netuid = try stake.requiredInteger("netuid", in: 0...Int64(Subnet.netuidMax))
      let amount = try Self.rao(stake.requiredValue("stake"), "\(place).stake")
      try stake.finish()
      self.stakes.append(
        Stake(coldkey: coldkey, hotkey: hotkey, netuid: Int(netuid), amount: amount, index: index))
    }
    for (index, item) in subnets.enumerated() {
      let place = "subnets[\(index)]"
      guard case .object(let members) = item else {
        throw LedgerError(.invalidOperation, "\(place): not an object")
      }
      var pool = FieldReader(operation: place, members: members)
      let netuid = try pool.requiredInteger("netuid", in: 0...Int64(Subnet.netuidMax))
      let taoIn = try Self.rao(pool.requiredValue("taoIn"), "\(place).taoIn")
      let alphaIn = try Self.rao(pool.requiredValue("alphaIn"), "\(place).alphaIn")
      try pool.finish()
      guard !pools.contains(where: { $0.netuid == Int(netuid) }) else {
        throw LedgerError(.invalidOperation, "\(place): subnet \(netuid) is listed twice")
      }
      pools.append(Pool(netuid: Int(netuid), taoIn: taoIn, alphaIn: alphaIn))
    }
  }

  private static func address(_ text: String, _ asset: AssetDefinition, _ place: String) throws
    -> String
  {
    do {
      return try asset.addressScheme.normalize(text)
    } catch {
      throw LedgerError(error.code, "\(place): \(error.message)")
    }
  }

  /// A JSON integer of rao, read from its text (no float, no sign, no exponent).
  private static func rao(_ value: JSONValue, _ place: String) throws -> Amount {
    guard case .number(let text) = value, DecimalText.isCanonical(text.utf8),
      let units = DecimalText.parseDigits(text.utf8)
    else {
      throw LedgerError(.invalidAmount, "\(place): not a whole number of rao below 2^128")
    }
    return Amount(baseUnits: units)
  }

  /// The stakes of one subnet as balance records (staked per coldkey and hotkey), in file
  /// order; the number of stakes of other subnets is returned with them.
  func records(netuid: Int) -> (records: [BalanceRecord], otherSubnets: Int) {
    let mine = stakes.filter { $0.netuid == netuid }
    return (
      mine.map {
        BalanceRecord(
          address: $0.coldkey, asset: "", bucket: .staked, validator: $0.hotkey, amount: $0.amount,
          line: $0.index + 1)
      }, stakes.count - mine.count
    )
  }
}
