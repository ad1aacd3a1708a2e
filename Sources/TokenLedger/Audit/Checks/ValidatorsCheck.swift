/// Validators agree with the journal (operator, commission and when it last changed, from the
/// registerValidator entries), each validator's stake equals the sum of the staked buckets on
/// it, and no staked, unbonding or rewards bucket names an unregistered validator.
struct ValidatorsCheck: AuditCheck {
  let name = "validatorStakes"

  private struct Expected {
    var operatorAddress: String
    var commission: String
    var changedTime: Int64?
    /// Set by the registration that created the validator, kept by every later one.
    var maxRate: String?
    var maxChangeRate: String?
  }

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    let expected = try registrations(context)
    // Every staked bucket summed per (asset, validator) in one grouped pass: a subquery per
    // validator scanned the accounts once each (quadratic in validators).
    var staked: [String: String] = [:]
    try context.database.stakedSumsByValidator { asset, validator, sum in
      staked["\(asset)\u{0}\(validator)"] = sum
    }
    var seen: Set<String> = []
    try context.database.forEachStoredValidator { row in
      let key = "\(row.asset)\u{0}\(row.validator)"
      seen.insert(key)
      compare(row, expected[key], stakedSum: staked[key], &violations)
    }
    for key in expected.keys.sorted() where !seen.contains(key) {
      let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
      violations.append(
        Violation(
          "validator \(parts[1]) was registered but has no row", account: parts[1], asset: parts[0])
      )
    }
    try context.database.forEachBucketOfUnregisteredValidator { holder, kind, validator, asset in
      violations.append(
        Violation(
          "\(kind) bucket names unregistered validator \(validator)", account: holder,
          asset: asset))
    }
  }

  /// What the registerValidator entries say of each (asset, validator).
  private func registrations(_ context: AuditContext) throws -> [String: Expected] {
    var expected: [String: Expected] = [:]
    try context.forEachEntry(kinds: [.registerValidator]) { _, _, payload, time in
      let key =
        "\(payload["asset"]?.stringValue ?? "")\u{0}\(payload["validator"]?.stringValue ?? "")"
      let commission = payload["commission"]?.stringValue ?? ""
      let changed =
        expected[key].map { $0.commission == commission ? $0.changedTime : time } ?? time
      let first = expected[key]
      expected[key] = Expected(
        operatorAddress: payload["operator"]?.stringValue ?? "", commission: commission,
        changedTime: changed,
        maxRate: first == nil ? payload["maxRate"]?.stringValue : first?.maxRate,
        maxChangeRate: first == nil ? payload["maxChangeRate"]?.stringValue : first?.maxChangeRate)
    }
    return expected
  }

  /// One validator row against its registrations and the sum of its staked buckets.
  private func compare(
    _ row: Database.StoredValidator, _ want: Expected?, stakedSum: String?,
    _ violations: inout ViolationList
  ) {
    let asset = row.asset
    let validator = row.validator
    func report(_ message: String, _ want: String?, _ have: String?) {
      violations.append(
        Violation(
          "validator \(validator): \(message)", account: validator, asset: asset, expected: want,
          actual: have))
    }
    guard let want else {
      return report("no registerValidator entry registers it", nil, row.operatorAddress)
    }
    if want.operatorAddress != row.operatorAddress {
      report("operator differs from the journal", want.operatorAddress, row.operatorAddress)
    }
    if want.commission != row.commission {
      report("commission differs from the journal", want.commission, row.commission)
    }
    if want.changedTime != row.commissionChangedTime {
      report(
        "commission change time differs from the journal", want.changedTime.map(String.init),
        row.commissionChangedTime.map(String.init))
    }
    if want.maxRate != row.maxRate || want.maxChangeRate != row.maxChangeRate {
      report(
        "max rate or max change rate differs from the journal",
        "\(want.maxRate ?? "-") \(want.maxChangeRate ?? "-")",
        "\(row.maxRate ?? "-") \(row.maxChangeRate ?? "-")")
    }
    // A validator without staked buckets sums to 0, as amount_sum of no rows is.
    let sum = stakedSum ?? "0"
    if row.stake != sum {
      report("stake differs from the sum of its delegations", sum, row.stake)
    }
  }
}
