/// Decoding of the dynamic-TAO stake operations (contract, "Subnets"): the subnet is named by
/// its netuid and the ledger finds its alpha asset; amounts are in rao (9 decimals), keys in
/// the alpha's SS58 scheme.
extension ActionDecoder {
  mutating func decodeSubnet(_ kind: OperationKind) throws -> Operation.Action {
    let verb = kind.rawValue
    switch kind {
    case .stakeIntoSubnet, .unstakeFromSubnet:
      let alpha = try subnet(fields.requiredInteger("netuid", in: 0...Int64(Subnet.netuidMax)))
      let tao = try rao("tao", alpha)
      let alphaAmount = try rao("alpha", alpha)
      let fee = try rao("fee", alpha, required: false) ?? .zero
      let coldkey = try address(alpha, "coldkey")
      let hotkey = try address(alpha, "hotkey")
      let netuid = alpha.subnet!.netuid
      guard fee <= tao else {
        throw LedgerError(
          .invalidAmount, "\(verb): fee \(alpha.format(fee)) is more than tao \(alpha.format(tao))")
      }
      return kind == .stakeIntoSubnet
        ? .stakeIntoSubnet(
          coldkey: coldkey, hotkey: hotkey, netuid: netuid, tao: tao, alpha: alphaAmount, fee: fee)
        : .unstakeFromSubnet(
          coldkey: coldkey, hotkey: hotkey, netuid: netuid, alpha: alphaAmount, tao: tao, fee: fee)
    case .moveStake:
      let from = try position("from")
      let to = try position("to")
      let alpha = try rao("alpha", from.asset)
      let received = try rao("received", to.asset)
      let tao = try rao("tao", from.asset, required: false)
      let fee = try rao("fee", from.asset, required: false) ?? .zero
      let coldkey = try address("coldkey", in: [from.asset, to.asset])
      if from.position.netuid == to.position.netuid {
        guard from.position.hotkey != to.position.hotkey else {
          throw LedgerError(.invalidOperation, "moveStake: from and to are the same position")
        }
        guard tao == nil, fee.isZero, received == alpha else {
          throw LedgerError(
            .invalidOperation,
            "moveStake: within subnet \(from.position.netuid) no TAO moves and no fee is charged: give no 'tao' or 'fee', and 'received' equal to 'alpha'"
          )
        }
      } else {
        guard let tao else {
          throw LedgerError(
            .invalidOperation,
            "moveStake: from subnet \(from.position.netuid) to \(to.position.netuid) needs 'tao', the TAO between the pools"
          )
        }
        guard fee <= tao else {
          throw LedgerError(
            .invalidAmount,
            "moveStake: fee \(from.asset.format(fee)) is more than tao \(from.asset.format(tao))")
        }
      }
      return .moveStake(
        coldkey: coldkey, from: from.position, to: to.position, alpha: alpha, tao: tao,
        received: received, fee: fee)
    case .transferStake:
      let alpha = try subnet(fields.requiredInteger("netuid", in: 0...Int64(Subnet.netuidMax)))
      let amount = try rao("alpha", alpha)
      let from = try address(alpha, "from")
      let to = try address(alpha, "to")
      guard from != to else {
        throw LedgerError(.invalidOperation, "transferStake: from and to are both \(from)")
      }
      return .transferStake(
        from: from, to: to, hotkey: try address(alpha, "hotkey"), netuid: alpha.subnet!.netuid,
        alpha: amount)
    default:
      preconditionFailure("op '\(kind)' is not a subnet operation")
    }
  }

  /// `{"hotkey", "netuid"}` under `key`, with the subnet's alpha asset.
  private mutating func position(_ key: String) throws -> (
    asset: AssetDefinition, position: Operation.StakePosition
  ) {
    var reader = FieldReader(
      operation: "\(fields.operation) \(key)", members: try fields.requiredObject(key))
    let netuid = try reader.requiredInteger("netuid", in: 0...Int64(Subnet.netuidMax))
    let text = try reader.requiredString("hotkey")
    try reader.finish()
    let alpha = try subnet(netuid)
    let hotkey: String
    do {
      hotkey = try context.normalize(text, scheme: alpha.addressScheme)
    } catch {
      throw LedgerError(error.code, "\(fields.operation) \(key) hotkey: \(error.message)")
    }
    return (alpha, Operation.StakePosition(hotkey: hotkey, netuid: Int(netuid)))
  }

  /// The alpha asset of subnet `netuid`: `unknownAsset` when none is defined, netuid 0 (the
  /// root network is TAO itself: `delegate` stakes it), `invalidOperation` when several are.
  private func subnet(_ netuid: Int64) throws -> AssetDefinition {
    let verb = fields.operation
    guard netuid != 0 else {
      throw LedgerError(
        .unknownAsset, "\(verb): netuid 0 is the root network, staked in TAO itself (delegate)")
    }
    return try Subnet.only(
      try context.subnetAssets(netuid: Int(netuid)), netuid: Int(netuid), verb: verb)
  }

  /// An amount in rao under `key` (9 decimals, alpha and TAO alike); nil when absent and not
  /// `required`. Zero is refused but for a fee.
  private mutating func rao(_ key: String, _ alpha: AssetDefinition, required: Bool = true)
    throws -> Amount?
  {
    guard let text = try fields.amountText(key, required: required) else { return nil }
    let amount: Amount
    do {
      amount = try alpha.amount(text)
    } catch {
      throw LedgerError(error.code, "\(fields.operation) \(key): \(error.message)")
    }
    guard !amount.isZero || key == "fee" else {
      throw LedgerError(.invalidAmount, "\(fields.operation): \(key) of 0 moves nothing")
    }
    return amount
  }

  private mutating func rao(_ key: String, _ alpha: AssetDefinition) throws -> Amount {
    try rao(key, alpha, required: true)!
  }
}
