/// An allowance's key: asset, owner, spender.
struct AllowanceKey: Hashable, Comparable {
  let asset: String
  let owner: String
  let spender: String

  static func < (lhs: AllowanceKey, rhs: AllowanceKey) -> Bool {
    (lhs.asset, lhs.owner, lhs.spender) < (rhs.asset, rhs.owner, rhs.spender)
  }
}

extension Journal {
  /// The allowances the journal's entries leave up to a point: approve sets; transferFrom and
  /// burnFrom spend a limited allowance. Allowances move no money, so they are not in the
  /// postings; audit and replay derive them from the operations instead.
  func journalAllowances(until point: PointInTime) throws -> [AllowanceKey: AllowanceAmount] {
    var decimals: [String: Int] = [:]
    for definition in try allAssets() { decimals[definition.symbol] = definition.decimals }
    func amount(_ payload: [String: JSONValue], _ asset: String) -> Amount? {
      guard let text = payload["amount"]?.stringValue, let places = decimals[asset] else {
        return nil
      }
      return try? Amount(parsing: text, decimals: places)
    }
    var result: [AllowanceKey: AllowanceAmount] = [:]
    try database.forEachAllowanceEntry(upTo: point) { kind, text in
      guard let payload = try? JSONParser.parse(text ?? "").objectValue,
        let asset = payload["asset"]?.stringValue
      else { return }
      let owner = (kind == "approve" ? payload["owner"] : payload["from"])?.stringValue ?? ""
      let key = AllowanceKey(
        asset: asset, owner: owner, spender: payload["spender"]?.stringValue ?? "")
      if kind == "approve" {
        result[key] =
          payload["amount"]?.stringValue == "unlimited"
          ? .unlimited : amount(payload, asset).map { .limited($0) }
      } else if case .limited(let limit)? = result[key], let spent = amount(payload, asset) {
        result[key] = limit.subtracting(spent).map { .limited($0) }
      }
    }
    return result
  }

  /// The state digest of the stored state at a point: balances summed from the postings and
  /// allowances derived from the operations, both up to the point.
  func storedStateDigest(at point: PointInTime) throws -> String {
    guard point != .now else { return try LedgerSnapshot(self).stateDigest() }
    var lines: [[UInt8]] = []
    try LedgerSnapshot(self).forEachBucketBalance(at: point) { account, asset, amount in
      lines.append(StateDigest.balanceLine(asset: asset, account: account, amount: amount))
    }
    for (key, amount) in try journalAllowances(until: point) where amount != .limited(.zero) {
      lines.append(
        StateDigest.allowanceLine(
          asset: key.asset, owner: key.owner, spender: key.spender, amount: amount))
    }
    return StateDigest.digest(lines: lines)
  }
}
