/// Every address the state tables hold is valid and canonical for its asset's scheme (EIP-55
/// for `evm`, lower case for `bech32`, …): holders of balances and the validators of their
/// buckets, validators and their operators, allowances' owners and spenders, unbonding
/// delegators, holds' payers and payees. Every way in normalises an address before it is
/// stored; a stored one that is not canonical was written around the library, and `replay`
/// (which normalises what it reads) would merge or refuse it, so the audit says so first.
struct CanonicalAddressesCheck: AuditCheck {
  let name = "canonicalAddresses"

  /// The name of each address column of each source, in the store's column order.
  static func roles(_ source: Database.AddressSource) -> [String] {
    switch source {
    case .holderAccounts: ["holder", "validator of the bucket"]
    case .systemAccounts: ["validator of a system bucket"]
    case .validators: ["validator", "operator"]
    case .allowances: ["allowance owner", "allowance spender"]
    case .unbonding: ["unbonding delegator", "unbonding validator"]
    case .holds: ["hold payer", "hold payee"]
    }
  }

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    var known: [String: Set<String>] = [:]
    for source in Database.AddressSource.allCases {
      let roles = Self.roles(source)
      try context.database.forEachAddressRow(source) { asset, addresses in
        // An asset whose definition does not decode is the assets check's to report.
        guard let scheme = context.assets[asset]?.addressScheme else { return }
        for (address, role) in zip(addresses, roles) {
          guard let address, !address.isEmpty else { continue }
          if known[asset]?.contains(address) == true { continue }
          if let violation = Self.violation(address, role: role, scheme: scheme, asset: asset) {
            violations.append(violation)
          } else if (known[asset]?.count ?? 0) < Limits.auditAccountsCached {
            known[asset, default: []].insert(address)
          }
        }
      }
    }
  }

  /// What is wrong with a stored `address`, nil when it is canonical.
  static func violation(_ address: String, role: String, scheme: AddressScheme, asset: String)
    -> Violation?
  {
    do {
      let canonical = try scheme.normalize(address)
      guard canonical != address else { return nil }
      return Violation(
        "\(role) is not in the canonical form of \(scheme.description) addresses",
        account: address, asset: asset, expected: canonical, actual: address)
    } catch {
      return Violation(
        "\(role) is not a valid \(scheme.description) address: \(error.message)",
        account: address, asset: asset, actual: address)
    }
  }
}
