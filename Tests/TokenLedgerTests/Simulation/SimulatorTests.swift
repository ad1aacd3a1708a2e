import Testing

@testable import TokenLedger

/// The deterministic simulator: seeded operation streams, with storage faults (a failed step,
/// a failed commit, a busy database) injected between SQLite calls, checked after every step
/// against the reference model. A failure names the seed and step that replay it.
@Suite struct SimulatorTests {
  static let seeds: [UInt64] = Array(1...32)

  @Test(arguments: seeds)
  func ledgerMatchesTheModelUnderFaults(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any","rewardPolicy":"compound"}"#,
      #"{"op":"registerValidator","asset":"TAO","validator":"v1","operator":"alice","commission":"0.18"}"#,
      #"{"op":"registerValidator","asset":"TAO","validator":"v2","operator":"bob","commission":"0"}"#,
    ])
    var model = ReferenceModel()
    var injected = 0
    let codes: [Int32] = [5, 10, 13]  // SQLITE_BUSY, SQLITE_IOERR, SQLITE_FULL
    nonisolated(unsafe) var armed = false
    // The injector runs inside the ledger's lock on this test's thread only.
    nonisolated(unsafe) var faultGenerator = SeededGenerator(seed: seed &* 7919)
    ledger.setFaultInjector { _ in
      guard armed, faultGenerator.next() % 40 == 0 else { return nil }
      return codes[Int(faultGenerator.next() % 3)]
    }
    for step in 0..<200 {
      let operation = SimulatedOperation.random(using: &generator, step: step)
      let context = "seed \(seed) step \(step): \(operation)"
      var candidate = model
      let accepted = candidate.apply(operation)
      armed = true
      do {
        try ledger.apply(jsonLines: [operation.line])
        #expect(accepted, "\(context): the ledger accepted what the model rejects")
        if accepted { model = candidate }
      } catch let error as LedgerError {
        #expect(!accepted, "\(context): rejected with \(error)")
      } catch is DatabaseError {
        injected += 1  // nothing of the operation may remain: the comparison below checks it
      }
      armed = false
      try compare(ledger, model, context)
    }
    let audit = try ledger.audit()
    #expect(audit.ok, "seed \(seed): \(audit.checks.filter { !$0.ok })")
    #expect(injected > 0, "seed \(seed): the simulator injected no fault")
  }

  func compare(_ ledger: Ledger, _ model: ReferenceModel, _ context: String) throws {
    var actual: [ReferenceModel.Key: UInt128] = [:]
    for holder in SimulatedOperation.holders {
      for (bucket, amount) in try ledger.buckets(account: holder, asset: "TAO") {
        actual[ReferenceModel.Key(holder: holder, bucket: bucket.description)] = amount.magnitude
      }
    }
    #expect(actual == model.balances, "\(context): balances differ")
    #expect(
      try ledger.totalSupply(asset: "TAO").baseUnits == model.supply, "\(context): supply differs")
    for (key, amount) in model.allowances {
      let parts = key.split(separator: ">").map(String.init)
      #expect(
        try ledger.allowance(asset: "TAO", owner: parts[0], spender: parts[1])
          == .limited(Amount(baseUnits: amount)),
        "\(context): allowance \(key) differs")
    }
  }
}
