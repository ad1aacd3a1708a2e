import Testing

@testable import TokenLedger

/// Proves each address scheme against its published vectors (EIP-55, BIP-173, SS58) and against
/// real addresses from Fetch.ai's and Bittensor's public data.
@Suite struct AddressSchemeTests {
  static let eip55Examples = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
  ]

  @Test(arguments: eip55Examples)
  func eip55ExamplesAreCanonical(address: String) throws {
    #expect(try AddressScheme.evm.normalize(address) == address)
    #expect(try AddressScheme.evm.normalize(address.lowercased()) == address)
    #expect(try AddressScheme.evm.normalize("0x" + address.dropFirst(2).uppercased()) == address)
  }

  @Test func eip55AllCapsAndAllLowerExamplesCarryNoChecksum() throws {
    for address in [
      "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
      "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ] {
      #expect(try AddressScheme.evm.normalize(address).lowercased() == address.lowercased())
    }
  }

  @Test(arguments: [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  // one letter's case flipped
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "",
  ])
  func evmRejectsMalformedAddresses(address: String) {
    #expect(throws: LedgerError.self) { try AddressScheme.evm.normalize(address) }
  }

  @Test(arguments: [
    "A12UEL5L", "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl",
  ])
  func bip173ValidStrings(text: String) {
    guard case .success = Bech32.decode(text) else {
      Issue.record("\(text) should decode")
      return
    }
  }

  @Test(arguments: [
    "\u{20}1nwldj5", "\u{7F}1axkwrx", "\u{80}1eym55h",
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "de1lg7wt\u{FF}", "A1G7SGD8",
    "10a06t8", "1qzzfhee",
  ])
  func bip173InvalidStrings(text: String) {
    if case .success = Bech32.decode(text) { Issue.record("\(text) should not decode") }
  }

  @Test func fetchAddressesNeedTheirPrefix() throws {
    let scheme = try AddressScheme(parsing: "bech32:fetch")
    let address = "fetch1afhee08xst473m6sg9zpdanz3dnwfp3xw7uu89"
    #expect(try scheme.normalize(address) == address)
    #expect(try scheme.normalize(address.uppercased()) == address)
    #expect(throws: LedgerError.self) {
      try AddressScheme(parsing: "bech32:cosmos").normalize(address)
    }
    #expect(throws: LedgerError.self) {
      try scheme.normalize("fetch1afhee08xst473m6sg9zpdanz3dnwfp3xw7uu88")
    }
  }

  @Test func ss58KnownKeys() throws {
    let generic = AddressScheme.ss58(prefix: 42)
    for address in [
      "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
      "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
      "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
    ] {
      #expect(try generic.normalize(address) == address)
    }
    // Alice on Polkadot (prefix 0) and Kusama (prefix 2).
    #expect(
      try AddressScheme(parsing: "ss58:0").normalize(
        "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5") != "")
    #expect(
      try AddressScheme(parsing: "ss58:2").normalize(
        "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F") != "")
    #expect(throws: LedgerError.self) {
      try generic.normalize("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5")
    }
    #expect(throws: LedgerError.self) {
      try generic.normalize("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ")
    }
    #expect(throws: LedgerError.self) {
      try generic.normalize("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ0")
    }
  }

  @Test func schemeTextRoundTrips() throws {
    for text in ["evm", "any", "ss58", "ss58:0", "bech32:fetch"] {
      #expect(try AddressScheme(parsing: text).description == text)
    }
    for bad in ["EVM", "bech32:", "ss58:x", "ss58:99999", "solana"] {
      #expect(throws: LedgerError.self) { try AddressScheme(parsing: bad) }
    }
  }

  @Test func committedRealSamplesAreValid() throws {
    let text = String(
      decoding: try Repository.read(Repository.root + "/fixtures/real/address-samples.txt"),
      as: UTF8.self)
    var count = 0
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ")
      let scheme = try AddressScheme(parsing: String(parts[0]))
      #expect((try? scheme.normalize(String(parts[1]))) != nil, "\(line)")
      count += 1
    }
    #expect(count > 100)
  }

  @Test func everyAddressOfTheFetchStakingExportIsValid() throws {
    let path = Repository.sharedData + "/fetchhub-staked-export.csv"
    guard Repository.exists(path) else {
      print("skipped: \(path) is absent (only the committed samples were checked)")
      return
    }
    let reader = try LineReader(path: path)
    let fetch = try AddressScheme(parsing: "bech32:fetch")
    var rows = 0
    while let line = try reader.next() {
      let columns = line.split(separator: UInt8(ascii: ",")).map {
        String(decoding: $0, as: UTF8.self)
      }
      let evm = try AddressScheme.evm.normalize(columns[0])
      #expect(evm == columns[0], "row \(rows + 1) is stored in EIP-55 form")
      _ = try fetch.normalize(columns[2])
      rows += 1
    }
    #expect(rows == 3402)
  }

  @Test func everyAddressOfTheSubtensorSnapshotIsValid() throws {
    let path = Repository.sharedData + "/subtensor-nakamoto-snapshot.json"
    guard Repository.exists(path) else {
      print("skipped: \(path) is absent (only the committed samples were checked)")
      return
    }
    let snapshot = try JSONParser.parse(try Repository.read(path))
    let scheme = AddressScheme.ss58(prefix: 42)
    var checked = 0
    for (coldkey, hotkeys) in snapshot["stakes"]?.objectValue ?? [:] {
      _ = try scheme.normalize(coldkey)
      for hotkey in hotkeys.objectValue?.keys ?? [:].keys {
        _ = try scheme.normalize(hotkey)
        checked += 1
      }
    }
    for account in snapshot["balances"]?.objectValue?.keys ?? [:].keys {
      _ = try scheme.normalize(account)
      checked += 1
    }
    #expect(checked == 4096 + 18618)
  }
}
