import Foundation
import PropertyBased
import Testing

@testable import TokenLedger

/// Property-based fuzzing of every parser that reads untrusted input: random bytes, and valid
/// inputs with random bytes flipped, inserted or cut. Each must give a value or a typed error,
/// never a crash, and a failed import must leave the ledger as it was. The iteration count is
/// `TOKENLEDGER_FUZZ_ITERATIONS` (default 300), so `tools/torture` can run them far longer.
@Suite struct FuzzTests {
  static let iterations =
    Int(ProcessInfo.processInfo.environment["TOKENLEDGER_FUZZ_ITERATIONS"] ?? "") ?? 300

  static let samples: [String] = [
    "12.5", "0.000000000000000001", "340282366920938463463.374607431768211455",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "fetch1afhee08xst473m6sg9zpdanz3dnwfp3xw7uu89",
    "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
    #"{"op":"transfer","asset":"T","from":"a","to":"b","amount":"1.5","id":"x","height":3}"#,
    #"{"op":"hold","asset":"T","from":"a","to":"b","amount":"2","hold":"h","expires":"2030-01-01T00:00:00Z"}"#,
  ]

  /// A sample with one random edit: a byte flipped, inserted or removed.
  static func mutate(_ text: String, _ position: Int, _ byte: UInt8, _ kind: Int) -> [UInt8] {
    var bytes = Array(text.utf8)
    guard !bytes.isEmpty else { return [byte] }
    let index = position % bytes.count
    switch kind % 3 {
    case 0: bytes[index] ^= byte | 1
    case 1: bytes.insert(byte, at: index)
    default: bytes.remove(at: index)
    }
    return bytes
  }

  /// One fuzz input from the generated parts: random bytes, or a sample with one edit.
  static func input(
    _ random: [UInt8], _ sample: String, _ position: Int, _ byte: UInt8, _ kind: Int,
    _ useRandom: Bool
  )
    -> [UInt8]
  {
    useRandom ? random : mutate(sample, position, byte, kind)
  }

  @Test func amountsParseOrFailWithAnAmountCode() async {
    await propertyCheck(
      count: Self.iterations, input: Gen.uint8().array(of: 0...64), Gen.element(of: Self.samples),
      Gen.int(in: 0...200), Gen.uint8(), Gen.int(in: 0...2), Gen.bool
    ) { random, sample, position, byte, kind, useRandom in
      let bytes = Self.input(random, sample ?? "", position, byte, kind, useRandom)
      let text = String(decoding: bytes, as: UTF8.self)
      for decimals in [0, 9, 18, 38] {
        do {
          let amount = try Amount(parsing: text, decimals: decimals)
          #expect(
            (try? Amount(parsing: amount.formatted(decimals: decimals), decimals: decimals))
              == amount)
        } catch let error as LedgerError {
          #expect(
            [ErrorCode.invalidAmount, .precisionExceeded, .amountOverflow].contains(error.code))
        } catch {
          Issue.record("not a LedgerError: \(error)")
        }
      }
      _ = try? Rate(parsing: text)
    }
  }

  @Test func addressesNormalizeToAFixedPointOrFail() async {
    let schemes: [AddressScheme] = [
      .evm, .bech32(humanReadablePart: "fetch"), .ss58(prefix: 42), .ss58(prefix: 2), .any,
    ]
    await propertyCheck(
      count: Self.iterations, input: Gen.uint8().array(of: 0...64), Gen.element(of: Self.samples),
      Gen.int(in: 0...200), Gen.uint8(), Gen.int(in: 0...2), Gen.bool
    ) { random, sample, position, byte, kind, useRandom in
      let bytes = Self.input(random, sample ?? "", position, byte, kind, useRandom)
      let text = String(decoding: bytes, as: UTF8.self)
      for scheme in schemes {
        do {
          let canonical = try scheme.normalize(text)
          #expect((try? scheme.normalize(canonical)) == canonical)
        } catch let error as LedgerError {
          #expect(error.code == .invalidAddress)
        } catch {
          Issue.record("not a LedgerError: \(error)")
        }
      }
    }
  }

  @Test func operationLinesApplyOrFailTypedAndTheLedgerStaysClean() async throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any","unbondingSeconds":5}"#,
      #"{"op":"mint","asset":"T","to":"a","amount":"100","time":"2029-01-01T00:00:00Z"}"#,
      #"{"op":"registerValidator","asset":"T","validator":"v","operator":"a","commission":"0.1"}"#,
    ])
    await propertyCheck(
      count: Self.iterations, input: Gen.uint8().array(of: 0...64), Gen.element(of: Self.samples),
      Gen.int(in: 0...200), Gen.uint8(), Gen.int(in: 0...2), Gen.bool
    ) { random, sample, position, byte, kind, useRandom in
      let bytes = Self.input(random, sample ?? "", position, byte, kind, useRandom)
      switch OperationLine.parse(bytes) {
      case .failure(let error): #expect(error.code == .invalidOperation)
      case .success(let object):
        do {
          try ledger.apply(objects: [object])
        } catch is LedgerError {
        } catch {
          Issue.record("not a LedgerError: \(error)")
        }
      }
    }
    #expect(try ledger.audit().ok)
  }

  @Test func readersImportOrFailWithoutChangingTheLedger() async throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    let path = NSTemporaryDirectory() + "tokenledger-fuzz-\(UUID().uuidString)"
    let validLog = String(
      decoding: try Repository.read(
        Repository.root + "/Tests/corpus/logs/016-sender-short-strict.json"), as: UTF8.self)
    await propertyCheck(
      count: Self.iterations, input: Gen.uint8().array(of: 0...64),
      Gen.element(of: [validLog] + Self.samples),
      Gen.int(in: 0...2000), Gen.uint8(), Gen.int(in: 0...2), Gen.bool
    ) { random, sample, position, byte, kind, useRandom in
      let bytes = Self.input(random, sample ?? "", position, byte, kind, useRandom)
      _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
      for kind in SourceKind.allCases {
        do {
          let before = try ledger.summary()
          do {
            if kind == .balancesCSV {
              _ = try ledger.reconcile(kind: kind, path: path, asset: "FET")
            } else {
              _ = try ledger.importTransfers(kind: kind, path: path, asset: "FET")
            }
          } catch is LedgerError {
            #expect(try ledger.summary() == before, "a failed \(kind) import changed the ledger")
          }
        } catch {
          Issue.record("\(kind): not a LedgerError: \(error)")
        }
      }
    }
    #expect(try ledger.audit().ok)
  }
}
