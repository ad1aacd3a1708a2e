#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

// Codable forms of the values results are made of. Amounts encode as their exact decimal text
// of base units ("12500000000000000000"), never as a JSON number a decoder would round; rates
// as their decimal text ("0.05"). Times stay Unix seconds, as the journal keeps them; the
// `date` views give the same instants as `Date`.

extension Amount: Codable {
  /// Reads the exact decimal text it was encoded as.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let amount = Amount(baseUnitText: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not base units: \(text)"))
    }
    self = amount
  }

  /// Writes exact decimal text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

extension SignedAmount: Codable {
  /// Reads the exact decimal text it was encoded as.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let amount = SignedAmount(text: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not signed base units: \(text)"))
    }
    self = amount
  }

  /// Writes exact decimal text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

extension Rate: Codable {
  /// Reads the exact decimal text it was encoded as.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    do {
      self = try Rate(parsing: text)
    } catch {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a rate: \(text)"))
    }
  }

  /// Writes exact decimal text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
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
