import Crypto

/// Bittensor's state snapshot (the Nakamoto → Finney migration's `snapshot.json`):
/// `{"stakes": {coldkey: {hotkey: [rao, uid]}}, "balances": {ss58: rao}}`. Amounts are JSON
/// integers that pass 2^53: the parser keeps a number's text, so they are read exactly.
struct SubtensorSnapshot {
  struct Stake {
    let coldkey: String
    let hotkey: String
    let amount: Amount
  }

  /// Free balances, in the file's order.
  var balances: [(account: String, amount: Amount)] = []
  var stakes: [Stake] = []
  /// Hotkeys in the order they first appear.
  var hotkeys: [String] = []
  /// The first 16 hex digits of the file's SHA-256: names this snapshot in entry ids (the
  /// file carries no chain id or block).
  let tag: String

  /// Reads and checks every address (the asset's scheme) and amount (base units); the first
  /// problem is `invalidAddress`, `invalidAmount` or `invalidOperation` naming its place.
  init(path: String, asset: AssetDefinition) throws {
    let bytes = try Self.read(path)
    tag = String(HashChain.hex(SHA256.hash(data: bytes)).prefix(16))
    guard case .object(let root) = try JSONParser.parseDocument(bytes, name: path) else {
      throw LedgerError(.invalidOperation, "\(path): not a JSON object")
    }
    let extra = root.keys.filter { $0 != "stakes" && $0 != "balances" }.sorted()
    guard case .object(let stakes)? = root["stakes"],
      case .object(let balances)? = root["balances"],
      extra.isEmpty
    else {
      throw LedgerError(
        .invalidOperation,
        "\(path): a subtensor snapshot is {\"stakes\": {...}, \"balances\": {...}} and nothing else"
      )
    }
    func address(_ text: String, _ place: String) throws -> String {
      do {
        return try asset.addressScheme.normalize(text)
      } catch {
        throw LedgerError(error.code, "\(place): \(error.message)")
      }
    }
    func rao(_ value: JSONValue, _ place: String) throws -> Amount {
      guard case .number(let text) = value, let units = DecimalText.parseDigits(text.utf8),
        DecimalText.isCanonical(text.utf8)
      else {
        throw LedgerError(.invalidAmount, "\(place): not a whole number of base units below 2^128")
      }
      return Amount(baseUnits: units)
    }
    var seen: Set<String> = []
    for (coldkey, entries) in stakes.sorted(by: {
      $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
    }) {
      let cold = try address(coldkey, "stakes.\(coldkey)")
      guard case .object(let byHotkey) = entries else {
        throw LedgerError(.invalidOperation, "stakes.\(coldkey): not an object of hotkeys")
      }
      for (hotkey, entry) in byHotkey.sorted(by: {
        $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
      }) {
        let place = "stakes.\(coldkey).\(hotkey)"
        let hot = try address(hotkey, place)
        guard case .array(let pair) = entry, pair.count == 2, case .number = pair[1] else {
          throw LedgerError(.invalidOperation, "\(place): not [rao, uid]")
        }
        self.stakes.append(Stake(coldkey: cold, hotkey: hot, amount: try rao(pair[0], place)))
        if seen.insert(hot).inserted { hotkeys.append(hot) }
      }
    }
    for (account, value) in balances.sorted(by: {
      $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
    }) {
      let place = "balances.\(account)"
      self.balances.append((try address(account, place), try rao(value, place)))
    }
  }

  static func read(_ path: String) throws -> [UInt8] {
    try LineReader.readWhole(path, bytesMax: Limits.snapshotBytesMax)
  }

  /// The snapshot as balance records for reconciliation: available per account, staked per
  /// coldkey and hotkey.
  var records: [BalanceRecord] {
    balances.map {
      BalanceRecord(
        address: $0.account, asset: "", bucket: .available, validator: nil, amount: $0.amount,
        line: 0)
    }
      + stakes.map {
        BalanceRecord(
          address: $0.coldkey, asset: "", bucket: .staked, validator: $0.hotkey, amount: $0.amount,
          line: 0)
      }
  }
}
