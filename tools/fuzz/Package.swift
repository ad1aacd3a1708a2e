// swift-tools-version: 6.1
// libFuzzer targets for the parsers that read untrusted input, built and run by
// tools/torture/torture.py fuzz:
//   swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
// SwiftPM links an executable with `main` aliased to `<Target>_main`, so each target defines
// that function and hands control to libFuzzer through `LLVMFuzzerRunDriver` (gold cannot link
// this; lld can).
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts ("main",
// a CI clone, …), so the root package is named by where it is.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("../..").standardized.lastPathComponent.lowercased()

let tokenLedger = Target.Dependency.product(name: "TokenLedger", package: root)

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
