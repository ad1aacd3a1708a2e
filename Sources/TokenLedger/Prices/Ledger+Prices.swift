extension Journal {
  /// Every `price` entry, read into a book (the entries-by-kind index finds them).
  func priceBook() throws -> PriceBook {
    var book = PriceBook()
    try database.forEachPriceEntry { sequence, payload, height, time in
      guard let object = try? JSONParser.parse(payload ?? "").objectValue,
        case .string(let asset)? = object["asset"], case .string(let unit)? = object["in"],
        case .string(let text)? = object["price"],
        let price = try? ExactDecimal(parsing: text)
      else {
        throw DatabaseError(
          resultCode: 11, message: "price entry \(sequence) is not an asset, a unit and a price")
      }
      book.add(
        asset: asset, unit: unit,
        PriceBook.Quote(
          sequence: sequence, height: height, time: time, price: price))
    }
    return book
  }

  /// The decimals values in `unit` are rounded to: a defined asset's own, 2 for a currency.
  func unitDecimals(_ unit: String) throws -> Int {
    try assetDefinition(unit)?.decimals ?? PriceBook.currencyDecimals
  }
}

/// A holding valued in a unit: its value, or nil when no price reaches the unit.
public struct Valuation: Sendable, Equatable {
  /// The unit (an asset or an ISO 4217 code).
  public let unit: String
  /// The unit's decimals (2 for a currency).
  public let decimals: Int
  /// The value in base units of the unit (cents for USD); nil when unpriced.
  public let value: SignedAmount?
  /// The prices used, direct or through one asset between.
  public let route: [PriceBook.Quote]

  /// The value as text (`"12.34"`), or `"unpriced"`.
  public var text: String { value.map { $0.formatted(decimals: decimals) } ?? "unpriced" }
}

extension Ledger {
  /// The prices the journal holds.
  public func priceBook() throws -> PriceBook {
    try read { try $0.priceBook() }
  }

  /// Each row's total valued in `unit` at `point` (the same point the rows were read at):
  /// exact, rounded half to even to the unit's decimals; a row whose asset has no price in the
  /// unit is unpriced. Throws `unknownAsset` for a unit that is neither a defined asset nor an
  /// ISO 4217 code.
  public func valuations(of rows: [BalanceRow], in unit: String, at point: PointInTime = .now)
    throws -> [Valuation]
  {
    try read { journal in
      try Self.requireUnit(unit, journal)
      let book = try journal.priceBook()
      let decimals = try journal.unitDecimals(unit)
      return rows.map { row in
        let total = row.total
        let route = book.route(of: row.asset, in: unit, at: point)
        // A holder's total fits 128 bits; a system counter past it is left unpriced.
        let magnitude = total.high == 0 ? Amount(baseUnits: total.magnitude) : nil
        let value = route.flatMap { route in
          magnitude.flatMap {
            ExactDecimal.value(
              $0, sourceDecimals: row.decimals, prices: route.map(\.price),
              targetDecimals: decimals)
          }
        }.map { total.isNegative ? SignedAmount($0).negated : SignedAmount($0) }
        return Valuation(unit: unit, decimals: decimals, value: value, route: route ?? [])
      }
    }
  }

  static func requireUnit(_ unit: String, _ journal: Journal) throws {
    if try journal.assetDefinition(unit) != nil { return }
    guard PriceBook.isCurrencyCode(unit) else {
      throw LedgerError(
        .unknownAsset,
        "value in '\(unit.truncatedForMessage)': neither a defined asset nor an ISO 4217 code")
    }
  }
}
