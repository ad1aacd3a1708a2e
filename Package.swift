// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "TokenLedger",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "TokenLedger", targets: ["TokenLedger"]),
    // The PostgreSQL engine, linking libpq: a SQLite-only user builds without it.
    .library(name: "TokenLedgerPostgres", targets: ["TokenLedgerPostgres"]),
    // Following a chain over HTTP (URLSession, libcurl): a user without `sync` builds without
    // Foundation's networking.
    .library(name: "TokenLedgerHTTP", targets: ["TokenLedgerHTTP"]),
    .executable(name: "tokenledger", targets: ["tokenledger"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    // Arbitrary-precision integers for the Cosmos SDK's 18-decimal `sdk.Dec` arithmetic (F1
    // rewards multiply amounts of 10^27 base units by 10^18 and more), used only when reading
    // a chain's state: ledger amounts stay UInt128.
    .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
    // `swift package generate-documentation --target TokenLedger` builds the DocC archive
    // (Sources/TokenLedger/TokenLedger.docc); a plugin only, nothing linked.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    // The PostgreSQL engine's client (`--db postgresql://…`).
    .systemLibrary(
      name: "CPostgres",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]
    ),
    .target(
      name: "TokenLedger",
      dependencies: [
        "CSQLite",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "BigInt", package: "BigInt"),
      ]
    ),
    .target(
      name: "TokenLedgerPostgres",
      dependencies: ["TokenLedger", "CPostgres"]
    ),
    .target(
      name: "TokenLedgerHTTP",
      dependencies: ["TokenLedger"]
    ),
    .executableTarget(
      name: "tokenledger",
      dependencies: [
        "TokenLedger",
        "TokenLedgerPostgres",
        "TokenLedgerHTTP",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Library-level workloads for tools/bench (maintainer tool, not a product).
    .executableTarget(
      name: "TokenLedgerBench",
      dependencies: ["TokenLedger", "TokenLedgerPostgres", "TokenLedgerHTTP"],
      path: "tools/bench/TokenLedgerBench"
    ),
    .testTarget(
      name: "TokenLedgerTests",
      dependencies: [
        "TokenLedger",
        "TokenLedgerPostgres",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    .testTarget(
      name: "tokenledgerTests",
      dependencies: ["TokenLedger", "TokenLedgerPostgres", "TokenLedgerHTTP", "tokenledger"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
