#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

// Codable forms of the values results are made of. Amounts encode as their exact decimal text
// of base units ("12500000000000000000"), never as a JSON number a decoder would round; rates
// as their decimal text ("0.05"). Times stay Unix seconds, as the journal keeps them; the
// `date` views give the same instants as `Date`.

/// A value whose Codable form is its exact text: one string, read back by its own parser.
protocol TextCodable: Codable {
  /// The value of `text`, nil when it is not one.
  init?(codableText text: String)
  /// The exact text.
  var codableText: String { get }
}

extension TextCodable {
  /// Reads the exact text it was encoded as.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Self(codableText: text) else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath, debugDescription: "not a \(Self.self): \(text)"))
    }
    self = value
  }

  /// Writes the exact text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(codableText)
  }
}

extension Amount: Codable, TextCodable {
  init?(codableText text: String) { self.init(baseUnitText: text) }
  var codableText: String { description }
}

extension SignedAmount: Codable, TextCodable {
  init?(codableText text: String) { self.init(text: text) }
  var codableText: String { description }
}

extension Rate: Codable, TextCodable {
  init?(codableText text: String) { try? self.init(parsing: text) }
  var codableText: String { description }
}

extension StatementPeriod: Codable {}
extension StatementColumn: Codable {}

extension StatementAmounts: Codable {
  /// Reads the exact decimal text it was encoded as.
  public init(from decoder: any Decoder) throws {
    let columns = try decoder.singleValueContainer().decode([String: SignedAmount].self)
    self.init()
    for (name, amount) in columns {
      guard let column = StatementColumn(rawValue: name), !amount.isNegative,
        let value = amount.amount
      else {
        throw DecodingError.dataCorrupted(
          .init(codingPath: decoder.codingPath, debugDescription: "bad statement column \(name)"))
      }
      add(value, to: column)
    }
  }

  /// Writes exact decimal text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(
      Dictionary(uniqueKeysWithValues: StatementColumn.allCases.map { ($0.rawValue, self[$0]) }))
  }
}

extension HistoryEntry {
  /// ``time`` as a `Date`.
  public var date: Date? { time.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
}

extension AssetFacts {
  /// The asset's clock time as a `Date`.
  public var clockDate: Date? { clockTime.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
}

extension OpenHold {
  /// When the hold expires, as a `Date`.
  public var expiresDate: Date? {
    expiresTime.map { Date(timeIntervalSince1970: TimeInterval($0)) }
  }
}
