// swift-tools-version: 6.1
// libFuzzer targets for the parsers that read untrusted input, built and run by
// tools/torture/torture.py fuzz:
//   swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
// SwiftPM links an executable with `main` aliased to `<Target>_main`, so each target defines
// that function and hands control to libFuzzer through `LLVMFuzzerRunDriver` (gold cannot link
// this; lld can).
import PackageDescription

let tokenLedger = Target.Dependency.product(name: "TokenLedger", package: "main")

let package = Package(
  name: "TokenLedgerFuzz",
  dependencies: [.package(path: "../..")],
  targets: [
    .target(name: "FuzzSupport"),
    .executableTarget(name: "FuzzAmount", dependencies: ["FuzzSupport", tokenLedger]),
    .executableTarget(name: "FuzzAddress", dependencies: ["FuzzSupport", tokenLedger]),
    .executableTarget(name: "FuzzOperation", dependencies: ["FuzzSupport", tokenLedger]),
    .executableTarget(name: "FuzzReaders", dependencies: ["FuzzSupport", tokenLedger]),
  ],
  swiftLanguageModes: [.v6]
)
