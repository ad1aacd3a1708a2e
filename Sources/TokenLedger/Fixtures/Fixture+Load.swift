extension Fixture {
  /// Applies the fixture atomically, then checks its expectations.
  ///
  /// Throws ``LedgerError`` (and keeps nothing of the fixture) when an operation without
  /// `expectError` fails, or one with `expectError` succeeds or fails with another code. When
  /// the operations apply, they are kept and the unmet expectations are returned.
  public func load(into ledger: Ledger) throws -> FixtureReport {
    let expectations = try ledger.write { journal in
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
      return try parseExpectations(journal)
    }
    return FixtureReport(
      operationCount: operations.count, failures: try evaluate(expectations, ledger))
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
      _ = try journal.savepoint { try journal.apply(object: operation, allowExpectError: true) }
    } catch let error as LedgerError {
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

  /// One expectation, parsed and normalized inside the fixture's transaction so that a
  /// malformed `expect` block rolls the whole fixture back like any other bad input.
  private enum Expectation {
    case balance(
      label: String, holder: String, asset: AssetDefinition, bucket: Bucket.Kind?, key: String,
      amount: Amount)
    case totalSupply(asset: AssetDefinition, amount: Amount)
    case allowance(
      label: String, owner: String, spender: String, asset: AssetDefinition, amount: AllowanceAmount
    )
  }

  private func parseExpectations(_ journal: Journal) throws -> [Expectation] {
    func asset(_ symbol: String?, _ location: String) throws -> AssetDefinition {
      guard let symbol, let definition = try journal.assetDefinition(symbol) else {
        throw LedgerError(.unknownAsset, "\(location): unknown asset '\(symbol ?? "")'")
      }
      return definition
    }
    func holder(_ text: String, _ definition: AssetDefinition) throws -> String {
      text.hasPrefix("@") ? text : try definition.addressScheme.normalize(text)
    }
    var result: [Expectation] = []
    for (index, expected) in expectedBalances.enumerated() {
      let location = "expect.balances[\(index)]"
      guard let account = expected["account"]?.stringValue else {
        throw LedgerError(.invalidOperation, "\(location): needs 'account' and 'asset'")
      }
      let definition = try asset(expected["asset"]?.stringValue, location)
      for (key, value) in expected.sorted(by: { $0.key < $1.key })
      where !["account", "asset"].contains(key) {
        let bucket: Bucket.Kind?
        if key == "total" {
          bucket = nil
        } else if let kind = Bucket.Kind(rawValue: key) {
          bucket = kind
        } else {
          throw LedgerError(
            .invalidOperation, "\(location): unknown bucket '\(key.truncatedForMessage)'")
        }
        guard let text = value.stringValue else {
          throw LedgerError(.invalidOperation, "\(location).\(key) must be a string amount")
        }
        result.append(
          .balance(
            label: account, holder: try holder(account, definition), asset: definition,
            bucket: bucket, key: key,
            amount: try definition.amount(text)))
      }
    }
    for (symbol, value) in expectedTotalSupply.sorted(by: { $0.key < $1.key }) {
      let definition = try asset(symbol, "expect.totalSupply")
      guard let text = value.stringValue else {
        throw LedgerError(.invalidOperation, "expect.totalSupply.\(symbol) must be a string amount")
      }
      result.append(.totalSupply(asset: definition, amount: try definition.amount(text)))
    }
    for (index, expected) in expectedAllowances.enumerated() {
      let location = "expect.allowances[\(index)]"
      guard let owner = expected["owner"]?.stringValue,
        let spender = expected["spender"]?.stringValue,
        let text = expected["amount"]?.stringValue
      else {
        throw LedgerError(.invalidOperation, "\(location): needs asset, owner, spender, amount")
      }
      let definition = try asset(expected["asset"]?.stringValue, location)
      result.append(
        .allowance(
          label: "\(owner)→\(spender)", owner: try holder(owner, definition),
          spender: try holder(spender, definition),
          asset: definition,
          amount: text == "unlimited" ? .unlimited : .limited(try definition.amount(text))))
    }
    return result
  }

  private func evaluate(_ expectations: [Expectation], _ ledger: Ledger) throws -> [String] {
    var failures: [String] = []
    for expectation in expectations {
      switch expectation {
      case .balance(let label, let holder, let asset, let bucket, let key, let amount):
        let row = try ledger.balances(account: holder, asset: asset.symbol).first
        let actual = row.map { bucket.map($0.amount) ?? $0.total } ?? .zero
        if actual != SignedAmount(amount) {
          failures.append(
            "\(label) \(asset.symbol) \(key): expected \(asset.format(amount)), actual \(actual.formatted(decimals: asset.decimals))"
          )
        }
      case .totalSupply(let asset, let amount):
        let actual = try ledger.totalSupply(asset: asset.symbol)
        if actual != amount {
          failures.append(
            "totalSupply \(asset.symbol): expected \(asset.format(amount)), actual \(asset.format(actual))"
          )
        }
      case .allowance(let label, let owner, let spender, let asset, let amount):
        let actual = try ledger.allowance(asset: asset.symbol, owner: owner, spender: spender)
        if actual != amount {
          failures.append(
            "allowance \(label) \(asset.symbol): expected \(amount.formatted(decimals: asset.decimals)), actual \(actual.formatted(decimals: asset.decimals))"
          )
        }
      }
    }
    return failures
  }
}
