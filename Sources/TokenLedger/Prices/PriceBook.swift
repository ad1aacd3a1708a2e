/// The prices a journal holds (its `price` entries), and exact values from them (contract,
/// "Values"): an amount is valued at the last price of its asset in the unit at or before the
/// point asked, directly or through one intermediate asset, as amount × price rounded half to
/// even to the unit's decimals. An amount with no price is unpriced, never valued as 0.
public struct PriceBook: Sendable {
  /// One price, dated by its own height and time.
  public struct Quote: Sendable, Equatable {
    /// The entry that recorded it.
    public let sequence: Int64
    /// The block height it was stated at, if any.
    public let height: Int64?
    /// The time (Unix seconds, UTC) it was stated at, if any.
    public let time: Int64?
    /// Units of the quote's unit per unit of its asset.
    public let price: ExactDecimal
  }

  struct Pair: Hashable {
    let asset: String
    let unit: String
  }

  private(set) var quotes: [Pair: [Quote]] = [:]

  /// An empty book.
  public init() {}

  /// Adds a quote; quotes of a pair are kept in journal order.
  mutating func add(asset: String, unit: String, _ quote: Quote) {
    quotes[Pair(asset: asset, unit: unit), default: []].append(quote)
  }

  /// The pairs the book has prices for, as (asset, unit).
  public var pairs: [(asset: String, unit: String)] {
    quotes.keys.map { ($0.asset, $0.unit) }.sorted { ($0.asset, $0.unit) < ($1.asset, $1.unit) }
  }

  /// The last quote of `asset` in `unit` at or before `point`: latest by its own time for a
  /// time, by height for a height, among the entries up to it for a sequence; ties go to
  /// the later entry. A quote without the kind of date asked is not placed by it.
  public func quote(of asset: String, in unit: String, at point: PointInTime = .now) -> Quote? {
    guard let list = quotes[Pair(asset: asset, unit: unit)] else { return nil }
    // Ordered by the date the point is of (a time for `now` and a sequence), undated first.
    func key(_ quote: Quote) -> Int64 {
      switch point {
      case .height: quote.height ?? .min
      case .now, .sequence, .time: quote.time ?? .min
      }
    }
    var best: Quote?
    for quote in list {
      switch point {
      case .now: break
      case .sequence(let last): guard quote.sequence <= last else { continue }
      case .height(let height): guard let at = quote.height, at <= height else { continue }
      case .time(let time): guard let at = quote.time, at <= time.unixSeconds else { continue }
      }
      if let current = best, key(quote) < key(current) { continue }
      best = quote
    }
    return best
  }

  /// The prices that carry `asset` into `unit` at `point`: a direct price, or else the first
  /// intermediate asset (by symbol) with prices on both legs. Nil when there is none.
  public func route(of asset: String, in unit: String, at point: PointInTime = .now)
    -> [Quote]?
  {
    if asset == unit { return [] }
    if let direct = quote(of: asset, in: unit, at: point) { return [direct] }
    let middles = quotes.keys.filter { $0.asset == asset }.map(\.unit).sorted()
    for middle in middles where middle != unit {
      if let first = quote(of: asset, in: middle, at: point),
        let second = quote(of: middle, in: unit, at: point)
      {
        return [first, second]
      }
    }
    return nil
  }

  /// The value of `amount` (of an asset of `decimals`) in `unit` (of `unitDecimals`) at
  /// `point`; nil when unpriced or past 2^128 − 1 base units.
  public func value(
    _ amount: Amount, of asset: String, decimals: Int, in unit: String, unitDecimals: Int,
    at point: PointInTime = .now
  ) -> Amount? {
    guard let route = route(of: asset, in: unit, at: point) else { return nil }
    return ExactDecimal.value(
      amount, sourceDecimals: decimals, prices: route.map(\.price), targetDecimals: unitDecimals)
  }

  /// The decimals of a currency unit: 2 for an ISO 4217 code (contract, "Values").
  public static let currencyDecimals = 2

  /// Whether `unit` is written as an ISO 4217 code: three capital letters.
  public static func isCurrencyCode(_ unit: String) -> Bool {
    unit.utf8.count == 3 && unit.utf8.allSatisfy { (65...90).contains($0) }
  }
}
