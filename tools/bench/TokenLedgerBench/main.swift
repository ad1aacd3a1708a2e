// Library-level workloads for tools/bench/run.py. Each prints one JSON object.
//
//   TokenLedgerBench apply N PATH      N transfers through Ledger.apply, batches of 1,000
//   TokenLedgerBench durable N PATH    N single-operation commits, synchronous=FULL
//   TokenLedgerBench apply-random N PATH / durable-random N PATH   the same with on-chain ids
//                                      (random transaction hashes), as users feed it
//   TokenLedgerBench setup 0 PATH      only the asset and the 10,000 accounts' mints
//   TokenLedgerBench writer N PATH SEED  N durable single commits with random ids into an
//                                      existing ledger (PATH made by setup): one of several
//                                      concurrent writers
//   TokenLedgerBench writer-ack N PATH SEED  as writer, printing each operation's id once
//                                      its apply has returned (crash tests: every id printed
//                                      must be in the ledger after a restart)
// PATH may be a postgresql:// URL (tools/bench/run.py --engine postgres).
//   TokenLedgerBench reward D PATH     one reward split over D delegators
//   TokenLedgerBench liabilities H PATH  a proof of liabilities over H holders, written to
//                                        PATH.pol (root and the bundle of H proofs)
//   TokenLedgerBench validators V PATH  V validators with skewed delegations (5 per validator
//                                      on average, a few with hundreds) and rewards: times the
//                                      audit, Ledger.validators and the report over them
import TokenLedger
import TokenLedgerPostgres

#if canImport(Glibc)
  import Glibc
#endif

func seconds() -> Int64 {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

func peakMegabytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss / 1024
}

/// A small deterministic generator (SplitMix64), so that every run applies the same workload.
struct Random {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}

PostgreSQLEngine.install()
let arguments = CommandLine.arguments
guard arguments.count >= 4, let count = Int(arguments[2]) else {
  print(
    "usage: TokenLedgerBench apply|durable|apply-random|durable-random|setup|writer|reward|liabilities|validators N PATH [SEED]"
  )
  exit(2)
}
let mode = arguments[1]
let path = arguments[3]
let randomIds = mode.hasSuffix("-random") || mode.hasPrefix("writer")
let accounts = 10_000
let durability: Durability =
  mode.hasPrefix("durable") || mode.hasPrefix("writer") ? .full : .normal
let ledger: Ledger
if mode.hasPrefix("writer") {
  ledger = try Ledger.open(at: path, durability: durability)
} else {
  if path != ":memory:" { unlink(path) }
  ledger = try Ledger.open(at: path, create: true, durability: durability)
  let asset = AssetDefinition(
    symbol: "TAO", decimals: 9, addressScheme: .any, rewardPolicy: .compound)
  try ledger.apply([Operation(action: .defineAsset(asset))])
  var mints: [Operation] = []
  for index in 0..<accounts {
    mints.append(
      Operation(
        action: .mint(
          asset: "TAO", to: "acct\(index)", amount: Amount(baseUnits: 1_000_000_000_000_000))))
  }
  try ledger.apply(mints)
}
var random = Random(state: arguments.count > 4 ? UInt64(arguments[4]) ?? 42 : 42)
@MainActor func transfer(_ index: Int) -> Operation {
  let from = Int(random.next() % UInt64(accounts))
  let to = (from + 1 + Int(random.next() % UInt64(accounts - 1))) % accounts
  var id = "0x\(String(index, radix: 16)):0"
  if randomIds {
    id = "0x"
    for _ in 0..<4 {
      let word = String(random.next(), radix: 16)
      id += String(repeating: "0", count: 16 - word.count) + word
    }
    id += ":0"
  }
  return Operation(
    id: id,
    action: .transfer(
      asset: "TAO", from: "acct\(from)", to: "acct\(to)",
      amount: Amount(baseUnits: UInt128(random.next() % 10_000_000_000))))
}

switch mode {
case "setup":
  print(#"{"workload":"setup","count":0}"#)
case "apply", "apply-random":
  let start = seconds()
  var batch: [Operation] = []
  batch.reserveCapacity(1000)
  for index in 0..<count {
    batch.append(transfer(index))
    if batch.count == 1000 {
      try ledger.apply(batch)
      batch.removeAll(keepingCapacity: true)
    }
  }
  if !batch.isEmpty { try ledger.apply(batch) }
  let elapsed = Double(seconds() - start) / 1e9
  print(
    #"{"workload":"library apply","count":\#(count),"seconds":\#(elapsed),"perSecond":\#(Int(Double(count) / elapsed)),"peakMB":\#(peakMegabytes())}"#
  )
case "durable", "durable-random", "writer":
  var latencies: [Int64] = []
  let start = seconds()
  for index in 0..<count {
    let began = seconds()
    try ledger.apply([transfer(index)])
    latencies.append(seconds() - began)
  }
  let elapsed = Double(seconds() - start) / 1e9
  latencies.sort()
  print(
    #"{"workload":"durable single commits","count":\#(count),"seconds":\#(elapsed),"perSecond":\#(Int(Double(count) / elapsed)),"p50Microseconds":\#(latencies[count / 2] / 1000),"p99Microseconds":\#(latencies[count * 99 / 100] / 1000),"peakMB":\#(peakMegabytes()),"lockLateRetries":\#(ledger.postgresLockLateRetries)}"#
  )
case "writer-ack":
  for index in 0..<count {
    let operation = transfer(index)
    do {
      try ledger.apply([operation])
    } catch {
      // The crash test kills the server: a writer stops at its first failure.
      let message = Array("writer stopped: \(error)\n".utf8)
      _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
      exit(1)
    }
    // write(2): the line is out before the next operation, whatever stdout buffers.
    let line = Array("ack \(operation.id ?? "")\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
  }
case "reward":
  try ledger.apply([
    Operation(
      action: .registerValidator(
        asset: "TAO", validator: "hotkey", operator: "owner", commission: try Rate(parsing: "0.18"))
    )
  ])
  var delegations: [Operation] = []
  for index in 0..<count {
    delegations.append(
      Operation(
        action: .mint(
          asset: "TAO", to: "d\(index)", amount: Amount(baseUnits: 1_000_000_000 + UInt128(index))))
    )
    delegations.append(
      Operation(
        action: .delegate(
          asset: "TAO", delegator: "d\(index)", validator: "hotkey",
          amount: Amount(baseUnits: 1_000_000_000 + UInt128(index)))))
    if delegations.count >= 10_000 {
      try ledger.apply(delegations)
      delegations.removeAll(keepingCapacity: true)
    }
  }
  try ledger.apply(delegations)
  let start = seconds()
  try ledger.apply([
    Operation(
      action: .reward(
        asset: "TAO", validator: "hotkey", amount: Amount(baseUnits: 7_200_000_000_000)))
  ])
  let elapsed = Double(seconds() - start) / 1e9
  print(
    #"{"workload":"reward epoch","count":\#(count),"seconds":\#(elapsed),"perSecond":\#(Int(Double(count) / elapsed)),"peakMB":\#(peakMegabytes())}"#
  )
case "liabilities":
  var mints: [Operation] = []
  var random = Random(state: 7)
  for index in 0..<count {
    // Skewed holdings: most small, a few large, as a custodian's customers are.
    let size = UInt128(random.next() % 1_000_000) * UInt128(1 + random.next() % 1000)
    mints.append(
      Operation(
        action: .mint(asset: "TAO", to: "customer\(index)", amount: Amount(baseUnits: size + 1))))
    if mints.count == 10_000 {
      try ledger.apply(mints)
      mints.removeAll(keepingCapacity: true)
    }
  }
  if !mints.isEmpty { try ledger.apply(mints) }
  let directory = path + ".pol"
  let start = seconds()
  let publication = try ledger.liabilities(asset: "TAO")
  let built = seconds()
  try publication.write(to: directory)
  let elapsed = Double(seconds() - start) / 1e9
  print(
    #"{"workload":"liabilities","count":\#(count),"seconds":\#(elapsed),"buildSeconds":\#(Double(built - start) / 1e9),"depth":\#(publication.root.depth),"perSecond":\#(Int(Double(count) / elapsed)),"peakMB":\#(peakMegabytes())}"#
  )
case "validators":
  var operations: [Operation] = []
  for index in 0..<count {
    operations.append(
      Operation(
        action: .registerValidator(
          asset: "TAO", validator: "hotkey\(index)", operator: "acct\(index % accounts)",
          commission: try Rate(parsing: "0.18"))))
  }
  try ledger.apply(operations)
  operations.removeAll()
  // Skewed: a delegation's validator is the smaller of two uniform picks, squared in reach
  // (validator 0 draws the most, as the largest validators of a chain do).
  for _ in 0..<(5 * count) {
    let first = Int(random.next() % UInt64(count))
    let second = Int(random.next() % UInt64(count))
    operations.append(
      Operation(
        action: .delegate(
          asset: "TAO", delegator: "acct\(Int(random.next() % UInt64(accounts)))",
          validator: "hotkey\(min(first, second))",
          amount: Amount(baseUnits: 1 + UInt128(random.next() % 1_000_000_000)))))
    if operations.count == 10_000 {
      try ledger.apply(operations)
      operations.removeAll(keepingCapacity: true)
    }
  }
  for index in 0..<count {
    operations.append(
      Operation(
        action: .reward(
          asset: "TAO", validator: "hotkey\(index)", amount: Amount(baseUnits: 1_000_000))))
    if operations.count == 10_000 {
      try ledger.apply(operations)
      operations.removeAll(keepingCapacity: true)
    }
  }
  if !operations.isEmpty { try ledger.apply(operations) }
  let start = seconds()
  let audit = try ledger.audit()
  let audited = seconds()
  let facts = try ledger.validators(asset: "TAO")
  let listed = seconds()
  _ = try ledger.report(asset: "TAO")
  let reported = seconds()
  guard audit.ok, facts.count == count else {
    print("validators workload: audit ok \(audit.ok), \(facts.count) of \(count) validators")
    exit(1)
  }
  print(
    #"{"workload":"validators","count":\#(count),"auditSeconds":\#(Double(audited - start) / 1e9),"validatorsSeconds":\#(Double(listed - audited) / 1e9),"reportSeconds":\#(Double(reported - listed) / 1e9),"peakMB":\#(peakMegabytes())}"#
  )
default:
  print("unknown workload \(arguments[1])")
  exit(2)
}
