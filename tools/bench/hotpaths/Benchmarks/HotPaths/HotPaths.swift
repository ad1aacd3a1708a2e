import Benchmark
import TokenLedger

/// The per-operation hot paths: amount text in and out, an EIP-55 address (Keccak-256), a JSON
/// line decoded into an operation, its canonical payload, and one transfer applied end to end
/// (compiled into postings, hashed into the chain, written).
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .instructions, .mallocCountTotal], maxDuration: .seconds(2))

  Benchmark("Amount parse (18 decimals)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try Amount(parsing: "12345.678901234567890123", decimals: 18))
    }
  }

  Benchmark("Amount format (18 decimals)") { benchmark in
    let amount = try Amount(parsing: "12345.678901234567890123", decimals: 18)
    for _ in benchmark.scaledIterations {
      blackHole(amount.formatted(decimals: 18))
    }
  }

  Benchmark("EIP-55 address normalize") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try AddressScheme.evm.normalize("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"))
    }
  }

  Benchmark("JSON line parse") { benchmark in
    let line = Array(
      #"{"op":"transfer","asset":"TAO","from":"acct00014","to":"acct00001","amount":"6.6636611","id":"0x0f423f:0"}"#
        .utf8)
    for _ in benchmark.scaledIterations {
      blackHole(OperationLine.parse(line))
    }
  }

  Benchmark("Canonical payload of a transfer") { benchmark in
    let operation = Operation(
      id: "0x0f423f:0",
      action: .transfer(
        asset: "TAO", from: "acct00014", to: "acct00001", amount: Amount(baseUnits: 6_663_661_100)))
    for _ in benchmark.scaledIterations {
      blackHole(operation.canonicalPayload(decimals: 9))
    }
  }

  Benchmark("Entry hash (a transfer, one posting)") { benchmark in
    let posting = Posting(
      asset: "TAO", from: Account(holder: "acct00014", bucket: .available),
      to: Account(holder: "acct00001", bucket: .available), amount: Amount(baseUnits: 6_663_661_100)
    )
    let payload =
      #"{"amount":"6.6636611","asset":"TAO","from":"acct00014","id":"0x0f423f:0","op":"transfer","to":"acct00001"}"#
    for _ in benchmark.scaledIterations {
      blackHole(
        HashChain.entryHash(
          previous: HashChain.genesis, sequence: 1_000_000, idempotencyId: "0x0f423f:0",
          kind: "transfer", asset: "TAO", payload: payload, height: nil, time: nil,
          postings: [posting]))
    }
  }

  Benchmark(
    "Transfer applied end to end (in memory)", configuration: .init(maxDuration: .seconds(3))
  ) { benchmark in
    let ledger = try Ledger.open(at: ":memory:", create: true, durability: .normal)
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"TAO","decimals":9,"addressScheme":"any"}"#,
      #"{"op":"mint","asset":"TAO","to":"a","amount":"1000000000"}"#,
      #"{"op":"mint","asset":"TAO","to":"b","amount":"1000000000"}"#,
    ])
    var index = 0
    // Opening the ledger and its setup are not what is measured.
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      index += 1
      try ledger.apply([
        Operation(
          id: "t\(index)",
          action: .transfer(
            asset: "TAO", from: index % 2 == 0 ? "a" : "b", to: index % 2 == 0 ? "b" : "a",
            amount: Amount(baseUnits: 1)))
      ])
    }
  }
}
