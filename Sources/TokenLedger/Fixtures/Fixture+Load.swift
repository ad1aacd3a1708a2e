extension Fixture {
  /// Applies the fixture atomically, then checks its expectations.
  ///
  /// Throws ``LedgerError`` (and keeps nothing of the fixture) when an operation without
  /// `expectError` fails, or one with `expectError` succeeds or fails with another code. When
  /// the operations apply, they are kept and the unmet expectations are returned.
  public func load(into ledger: Ledger) throws -> FixtureReport {
    try ledger.write { journal in
      for (index, asset) in assets.enumerated() {
        var object = asset
        object["op"] = .string("defineAsset")
        do {
          _ = try journal.apply(object: object, allowExpectError: false)
        } catch let error as LedgerError {
          throw error.located("asset \(index + 1)")
        }
      }
      for (index, operation) in operations.enumerated() {
        try apply(operation, index: index, journal: journal)
      }
    }
    return FixtureReport(operationCount: operations.count, failures: try check(ledger))
  }

  private func apply(_ operation: [String: JSONValue], index: Int, journal: Journal) throws {
    let location =
      "operation \(index + 1)" + (operation["op"]?.stringValue.map { " (\($0))" } ?? "")
    guard let expected = operation["expectError"] else {
      do {
        _ = try journal.apply(object: operation, allowExpectError: true)
      } catch let error as LedgerError {
        throw error.located(location)
      }
      return
    }
    guard let code = expected.stringValue.flatMap(ErrorCode.init(rawValue:)) else {
      throw LedgerError(.invalidOperation, "\(location): expectError is not a known error code")
    }
    do {
      _ = try journal.database.savepoint {
        try journal.apply(object: operation, allowExpectError: true)
      }
    } catch let error as LedgerError {
      journal.forgetUncommitted()
      guard error.code == code else {
        throw LedgerError(
          error.code,
          "\(location): expected \(code.rawValue), failed with \(error.code.rawValue): \(error.message)"
        )
      }
      return
    }
    throw LedgerError(.invalidOperation, "\(location): expected \(code.rawValue), but it succeeded")
  }

  private func check(_ ledger: Ledger) throws -> [String] {
    var failures: [String] = []
    for (index, expected) in expectedBalances.enumerated() {
      guard let account = expected["account"]?.stringValue,
        let asset = expected["asset"]?.stringValue
      else {
        throw LedgerError(
          .invalidOperation, "expect.balances[\(index)]: needs 'account' and 'asset'")
      }
      guard let definition = try ledger.asset(asset) else {
        throw LedgerError(.unknownAsset, "expect.balances[\(index)]: unknown asset '\(asset)'")
      }
      let holder = try ledger.canonicalAccount(account, asset: asset)
      let row = try ledger.balances(account: holder, asset: asset).first
      for (key, value) in expected.sorted(by: { $0.key < $1.key })
      where !["account", "asset"].contains(key) {
        let kind: Bucket.Kind?
        if key == "total" {
          kind = nil
        } else if let bucket = Bucket.Kind(rawValue: key) {
          kind = bucket
        } else {
          throw LedgerError(.invalidOperation, "expect.balances[\(index)]: unknown bucket '\(key)'")
        }
        guard let text = value.stringValue else {
          throw LedgerError(
            .invalidOperation, "expect.balances[\(index)].\(key) must be a string amount")
        }
        let wanted = try definition.amount(text)
        let actual = row.map { kind.map($0.amount) ?? $0.total } ?? .zero
        if actual != SignedAmount(wanted) {
          failures.append(
            "\(account) \(asset) \(key): expected \(definition.format(wanted)), actual \(actual.formatted(decimals: definition.decimals))"
          )
        }
      }
    }
    for (asset, value) in expectedTotalSupply.sorted(by: { $0.key < $1.key }) {
      guard let definition = try ledger.asset(asset), let text = value.stringValue else {
        throw LedgerError(
          .invalidOperation, "expect.totalSupply.\(asset): unknown asset or non-string amount")
      }
      let wanted = try definition.amount(text)
      let actual = try ledger.totalSupply(asset: asset)
      if actual != wanted {
        failures.append(
          "totalSupply \(asset): expected \(definition.format(wanted)), actual \(definition.format(actual))"
        )
      }
    }
    for (index, expected) in expectedAllowances.enumerated() {
      guard let asset = expected["asset"]?.stringValue, let owner = expected["owner"]?.stringValue,
        let spender = expected["spender"]?.stringValue, let text = expected["amount"]?.stringValue,
        let definition = try ledger.asset(asset)
      else {
        throw LedgerError(
          .invalidOperation, "expect.allowances[\(index)]: needs asset, owner, spender, amount")
      }
      let wanted: AllowanceAmount =
        text == "unlimited" ? .unlimited : .limited(try definition.amount(text))
      let actual = try ledger.allowance(
        asset: asset, owner: try ledger.canonicalAccount(owner, asset: asset),
        spender: try ledger.canonicalAccount(spender, asset: asset))
      if actual != wanted {
        failures.append(
          "allowance \(owner)→\(spender) \(asset): expected \(wanted.formatted(decimals: definition.decimals)), actual \(actual.formatted(decimals: definition.decimals))"
        )
      }
    }
    return failures
  }
}
