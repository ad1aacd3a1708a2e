import FuzzSupport
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

enum Shared {
  static let ledger: Ledger = {
    let ledger = try! Ledger.open(at: ":memory:", create: true)
    try! ledger.apply(jsonLines: [
      #"{"op":"defineAsset","symbol":"FET","decimals":18,"addressScheme":"evm","contract":"0xaea46A60368A7bD060eec7DF8CBa43b7EF41Ad85"}"#
    ])
    return ledger
  }()
  static let path = "/tmp/tokenledger-fuzz-readers-\(getpid())"
}

/// Any bytes as every source kind: an import (or reconcile) or a LedgerError that changed nothing.
@_cdecl("FuzzReaders_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv) { data, size in
    let file = fopen(Shared.path, "wb")!
    if let data { fwrite(data, 1, size, file) }
    fclose(file)
    for kind in SourceKind.allCases {
      let before = try! Shared.ledger.summary()
      do {
        if kind == .balancesCSV {
          _ = try Shared.ledger.reconcile(kind: kind, path: Shared.path, asset: "FET")
        } else {
          _ = try Shared.ledger.importTransfers(kind: kind, path: Shared.path, asset: "FET")
        }
      } catch is LedgerError {
        precondition(try! Shared.ledger.summary() == before, "a failed import changed the ledger")
      } catch {
        preconditionFailure("not a LedgerError: \(error)")
      }
    }
    return 0
  }
}
