import FuzzSupport
import TokenLedger

/// Any text parses to an amount that formats back to itself, or fails with an amount code.
@_cdecl("FuzzAmount_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv) { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    for decimals in [0, 9, 18, 38] {
      do {
        let amount = try Amount(parsing: text, decimals: decimals)
        precondition(
          (try? Amount(parsing: amount.formatted(decimals: decimals), decimals: decimals)) == amount
        )
      } catch let error as LedgerError {
        precondition(
          [ErrorCode.invalidAmount, .precisionExceeded, .amountOverflow].contains(error.code))
      } catch {
        preconditionFailure("not a LedgerError: \(error)")
      }
    }
    _ = try? Rate(parsing: text)
    return 0
  }
}
