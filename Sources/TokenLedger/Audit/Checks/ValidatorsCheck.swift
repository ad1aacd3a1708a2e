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
    try context.database.forEachRow(
      """
      SELECT b.asset, a.validator, amount_sum(b.amount)
      FROM balances b JOIN accounts a ON a.id = b.account_id
      WHERE a.bucket = 'staked' GROUP BY b.asset, a.validator
      """
    ) { row in staked["\(row.text(0) ?? "")\u{0}\(row.text(1) ?? "")"] = row.text(2) }
    var seen: Set<String> = []
    try context.database.forEachRow(
      """
      SELECT v.asset, v.validator, v.operator, v.commission, v.commission_changed_time, v.stake,
        v.max_rate, v.max_change_rate
      FROM validators v ORDER BY v.asset, v.validator
      """
    ) { row in
      let key = "\(row.text(0) ?? "")\u{0}\(row.text(1) ?? "")"
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
    try context.database.forEachRow(
      """
      SELECT DISTINCT a.holder, a.bucket, a.validator, b.asset FROM accounts a JOIN balances b ON b.account_id = a.id
      WHERE a.bucket IN ('staked', 'unbonding', 'rewards')
        AND NOT EXISTS (SELECT 1 FROM validators v WHERE v.asset = b.asset AND v.validator = a.validator)
      """
    ) { row in
      violations.append(
        Violation(
          "\(row.text(1) ?? "") bucket names unregistered validator \(row.text(2) ?? "")",
          account: row.text(0), asset: row.text(3)))
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
    _ row: Row, _ want: Expected?, stakedSum: String?, _ violations: inout ViolationList
  ) {
    let asset = row.text(0) ?? ""
    let validator = row.text(1) ?? ""
    func report(_ message: String, _ want: String?, _ have: String?) {
      violations.append(
        Violation(
          "validator \(validator): \(message)", account: validator, asset: asset, expected: want,
          actual: have))
    }
    guard let want else {
      return report("no registerValidator entry registers it", nil, row.text(2))
    }
    if want.operatorAddress != row.text(2) {
      report("operator differs from the journal", want.operatorAddress, row.text(2))
    }
    if want.commission != row.text(3) {
      report("commission differs from the journal", want.commission, row.text(3))
    }
    if want.changedTime != row.integer(4) {
      report(
        "commission change time differs from the journal", want.changedTime.map(String.init),
        row.integer(4).map(String.init))
    }
    if want.maxRate != row.text(6) || want.maxChangeRate != row.text(7) {
      report(
        "max rate or max change rate differs from the journal",
        "\(want.maxRate ?? "-") \(want.maxChangeRate ?? "-")",
        "\(row.text(6) ?? "-") \(row.text(7) ?? "-")")
    }
    // A validator without staked buckets sums to 0, as amount_sum of no rows is.
    let sum = stakedSum ?? "0"
    if row.text(5) != sum {
      report("stake differs from the sum of its delegations", sum, row.text(5))
    }
  }
}
