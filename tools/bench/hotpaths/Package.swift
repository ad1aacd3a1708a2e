// swift-tools-version: 6.1
// Hot-path benchmarks with ordo-one/package-benchmark, so that a regression shows in
// instructions and allocations, not only seconds:
//   cd tools/bench/hotpaths && swift package --allow-writing-to-package-directory benchmark
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts ("main",
// a CI clone, …), so the root package is named by where it is.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("../../..").standardized.lastPathComponent.lowercased()

let package = Package(
  name: "TokenLedgerHotPaths",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(path: "../../.."),
    .package(
      url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1",
      traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "HotPaths",
      dependencies: [
        .product(name: "Benchmark", package: "package-benchmark"),
        .product(name: "TokenLedger", package: root),
      ],
      path: "Benchmarks/HotPaths",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
    )
  ]
)
