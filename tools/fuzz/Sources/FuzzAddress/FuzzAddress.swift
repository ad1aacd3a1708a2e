import FuzzSupport
import TokenLedger

/// Any text is an address of a scheme (its canonical form then a fixed point) or invalidAddress.
@_cdecl("FuzzAddress_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv) { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let schemes: [AddressScheme] = [
      .evm, .bech32(humanReadablePart: "fetch"), .ss58(prefix: 42), .ss58(prefix: 2), .any,
    ]
    for scheme in schemes {
      do {
        let canonical = try scheme.normalize(text)
        precondition((try? scheme.normalize(canonical)) == canonical)
      } catch let error as LedgerError {
        precondition(error.code == .invalidAddress)
      } catch {
        preconditionFailure("not a LedgerError: \(error)")
      }
    }
    _ = try? AddressScheme(parsing: text)
    return 0
  }
}
