/// Everything the ledger knows of an asset: a definition, not code. FET and TAO are two of
/// these; a new token needs no change to the library.
public struct AssetDefinition: Sendable, Equatable {
  /// The asset's symbol (1–32 characters), its key in the ledger.
  public var symbol: String
  /// Base units per token unit are 10^decimals (FET 18, TAO 9).
  public var decimals: Int
  /// How its addresses are written and checked.
  public var addressScheme: AddressScheme
  /// The token contract whose logs `import` reads (EVM assets), in canonical form.
  public var contract: String?
  /// The Cosmos SDK denomination of the asset's coins (`afet`, `atestfet`), which selects
  /// them in a `cosmos-export`.
  public var denom: String?
  /// How long undelegated stake stays in unbonding (FET 1,814,400 s = 21 days; TAO 0).
  public var unbondingSeconds: Int64
  /// Whether rewards wait to be claimed or compound into the stake.
  public var rewardPolicy: RewardPolicy
  /// The most open unbonding entries per delegator and validator (Cosmos: 7), if limited.
  public var maxUnbondingEntries: Int?
  /// The highest commission a validator may set (Bittensor take: 0.18), if limited.
  public var maxCommission: Rate?
  /// The most one change may raise a commission (Cosmos `maxChangeRate`), if limited.
  public var maxCommissionChange: Rate?
  /// The least time between two commission changes (Cosmos: 86,400 s), if limited.
  public var commissionChangeSeconds: Int64?
  /// For a subnet's alpha token (dynamic TAO): the subnet it belongs to. Nil for every other
  /// asset.
  public var subnet: Subnet?

  /// A definition; ``Ledger/apply(jsonLines:mode:)`` with a `defineAsset` line registers one.
  public init(
    symbol: String, decimals: Int, addressScheme: AddressScheme, contract: String? = nil,
    denom: String? = nil, unbondingSeconds: Int64 = 0, rewardPolicy: RewardPolicy = .claim,
    maxUnbondingEntries: Int? = nil, maxCommission: Rate? = nil,
    maxCommissionChange: Rate? = nil, commissionChangeSeconds: Int64? = nil,
    subnet: Subnet? = nil
  ) {
    self.symbol = symbol
    self.decimals = decimals
    self.addressScheme = addressScheme
    self.contract = contract
    self.denom = denom
    self.unbondingSeconds = unbondingSeconds
    self.rewardPolicy = rewardPolicy
    self.maxUnbondingEntries = maxUnbondingEntries
    self.maxCommission = maxCommission
    self.maxCommissionChange = maxCommissionChange
    self.commissionChangeSeconds = commissionChangeSeconds
    self.subnet = subnet
  }
}

/// The subnet an alpha asset belongs to: the parent asset (`TAO`) and the subnet's netuid
/// (1 or more; netuid 0, the root network, is the parent asset itself).
public struct Subnet: Sendable, Hashable {
  /// The parent asset's symbol.
  public var of: String
  /// The subnet's number on its chain.
  public var netuid: Int

  /// A subnet of `of`.
  public init(of: String, netuid: Int) {
    self.of = of
    self.netuid = netuid
  }

  /// The highest netuid (subtensor's are 16-bit).
  public static let netuidMax = 65_535
  /// The decimals of every alpha token and of its parent (rao).
  public static let decimals = 9
  /// The one alpha among `assets` (those defined for `netuid`): `unknownAsset` when there is
  /// none, `invalidOperation` when there are several.
  static func only(_ assets: [AssetDefinition], netuid: Int, verb: String) throws(LedgerError)
    -> AssetDefinition
  {
    guard let first = assets.first else {
      throw LedgerError(.unknownAsset, "\(verb): no alpha asset is defined for subnet \(netuid)")
    }
    guard assets.count == 1 else {
      throw LedgerError(
        .invalidOperation,
        "\(verb): subnet \(netuid) has several alpha assets (\(assets.map(\.symbol).sorted().joined(separator: ", ")))"
      )
    }
    return first
  }

  /// The subnet's pool: a system account in the parent asset and in the alpha.
  public var pool: Account { Account(holder: "@subnet:\(netuid)") }
}

/// What a `reward` does with the delegators' shares.
public enum RewardPolicy: String, Sendable, CaseIterable {
  /// Cosmos: shares accumulate in `rewards` buckets until claimed.
  case claim
  /// Bittensor: shares are added to the stake on the validator at once.
  case compound
}

extension AssetDefinition {
  static let fieldNames: Set<String> = [
    "symbol", "decimals", "addressScheme", "contract", "denom", "unbondingSeconds",
    "rewardPolicy",
    "maxUnbondingEntries", "maxCommission", "maxCommissionChange", "commissionChangeSeconds",
    "subnet",
  ]

  /// Reads a definition from the fields of a fixture asset or a `defineAsset` line.
  init(reading fields: inout FieldReader) throws(LedgerError) {
    let symbol = try fields.requiredString("symbol")
    guard (1...32).contains(symbol.utf8.count),
      symbol.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "/") })
    else {
      throw LedgerError(
        .invalidOperation,
        "symbol '\(symbol.truncatedForMessage)' must be 1 to 32 printable ASCII characters")
    }
    let decimals = try fields.requiredInteger("decimals", in: 0...Int64(Limits.decimalsMax))
    let scheme = try AddressScheme(parsing: try fields.requiredString("addressScheme"))
    var contract = try fields.optionalString("contract")
    if let text = contract {
      contract = try AddressScheme.evm.normalize(text)
    }
    let denom = try fields.optionalString("denom")
    if let denom {
      // Cosmos SDK's denomination rule: a letter, then 2 to 127 of letters, digits, / : . _ -.
      let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:._-".utf8)
      guard (3...128).contains(denom.utf8.count),
        denom.utf8.first.map({ (65...90).contains($0) || (97...122).contains($0) }) == true,
        denom.utf8.allSatisfy(allowed.contains)
      else {
        throw LedgerError(
          .invalidOperation, "denom '\(denom.truncatedForMessage)' is not a Cosmos denomination")
      }
    }
    let policyText = try fields.optionalString("rewardPolicy") ?? "claim"
    guard let policy = RewardPolicy(rawValue: policyText) else {
      throw LedgerError(.invalidOperation, "rewardPolicy must be claim or compound")
    }
    self.init(
      symbol: symbol, decimals: Int(decimals), addressScheme: scheme, contract: contract,
      denom: denom,
      unbondingSeconds: try fields.optionalInteger("unbondingSeconds", in: 0...Int64.max / 2) ?? 0,
      rewardPolicy: policy,
      maxUnbondingEntries: try fields.optionalInteger("maxUnbondingEntries", in: 1...1_000_000)
        .map { Int($0) },
      maxCommission: try fields.optionalRate("maxCommission"),
      maxCommissionChange: try fields.optionalRate("maxCommissionChange"),
      commissionChangeSeconds: try fields.optionalInteger(
        "commissionChangeSeconds", in: 0...Int64.max / 2),
      subnet: try Self.subnet(&fields))
    try checkSubnetRules()
  }

  /// `subnet: {"of", "netuid"}`: netuid 1 or more; the alpha has 9 decimals, SS58 addresses
  /// and compounding rewards (contract, "Subnets"). The parent is checked when it is defined.
  private static func subnet(_ fields: inout FieldReader) throws(LedgerError) -> Subnet? {
    guard let value = try fields.optionalObject("subnet") else { return nil }
    var reader = FieldReader(operation: "defineAsset subnet", members: value)
    let of = try reader.requiredString("of")
    let netuid = try reader.requiredInteger("netuid", in: 1...Int64(Subnet.netuidMax))
    try reader.finish()
    return Subnet(of: of, netuid: Int(netuid))
  }

  /// Throws `invalidOperation` unless an alpha asset has what the contract gives it (its
  /// parent is checked against the ledger by the posting compiler).
  func checkSubnetRules() throws(LedgerError) {
    guard let subnet else { return }
    guard decimals == Subnet.decimals, case .ss58 = addressScheme, rewardPolicy == .compound,
      subnet.of != symbol
    else {
      throw LedgerError(
        .invalidOperation,
        "defineAsset \(symbol): a subnet's alpha has 9 decimals, addressScheme ss58, rewardPolicy compound and a parent other than itself"
      )
    }
  }

  /// The canonical JSON fields of this definition.
  var jsonFields: [String: JSONValue] {
    var fields: [String: JSONValue] = [
      "symbol": .string(symbol), "decimals": .number(String(decimals)),
      "addressScheme": .string(addressScheme.description),
      "unbondingSeconds": .number(String(unbondingSeconds)),
      "rewardPolicy": .string(rewardPolicy.rawValue),
    ]
    if let contract { fields["contract"] = .string(contract) }
    if let denom { fields["denom"] = .string(denom) }
    if let maxUnbondingEntries {
      fields["maxUnbondingEntries"] = .number(String(maxUnbondingEntries))
    }
    if let maxCommission { fields["maxCommission"] = .string(maxCommission.description) }
    if let maxCommissionChange {
      fields["maxCommissionChange"] = .string(maxCommissionChange.description)
    }
    if let commissionChangeSeconds {
      fields["commissionChangeSeconds"] = .number(String(commissionChangeSeconds))
    }
    if let subnet {
      fields["subnet"] = .object([
        "of": .string(subnet.of), "netuid": .number(String(subnet.netuid)),
      ])
    }
    return fields
  }

  /// Parses an amount of this asset in token units.
  public func amount(_ text: String) throws(LedgerError) -> Amount {
    try Amount(parsing: text, decimals: decimals)
  }

  /// Token-unit text of an amount of this asset.
  public func format(_ amount: Amount) -> String { amount.formatted(decimals: decimals) }
}

extension AssetDefinition: JSONForm {
  /// The fields of its `defineAsset` operation (without `op`).
  public var jsonObject: JSONValue { .object(jsonFields) }

  /// Reads the fields as `defineAsset` does: the same checks, the same errors.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "AssetDefinition")
    var reader = FieldReader(operation: "defineAsset", members: fields.members)
    self = try AssetDefinition(reading: &reader)
    try reader.finish()
  }
}
