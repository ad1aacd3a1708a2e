import FuzzSupport
import TokenLedger

enum Shared {
  static let ledger: Ledger = {
    let ledger = try! Ledger.open(at: ":memory:", create: true)
    try! ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm"}"#,
      #"{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any","unbondingSeconds":5}"#,
      #"{"op":"mint","asset":"T","to":"a","amount":"100","time":"2029-01-01T00:00:00Z"}"#,
      #"{"op":"registerValidator","asset":"T","validator":"v","operator":"a","commission":"0.1"}"#,
    ])
    return ledger
  }()
}

/// Any bytes as an `apply` line: an operation that applies or a LedgerError; never a crash.
@_cdecl("FuzzOperation_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv) { data, size in
    switch OperationLine.parse(bytes(data, size)) {
    case .failure(let error): precondition(error.code == .invalidOperation)
    case .success(let object):
      do {
        try Shared.ledger.apply(objects: [object])
      } catch is LedgerError {
      } catch {
        preconditionFailure("not a LedgerError: \(error)")
      }
    }
    return 0
  }
}
