#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A result with one JSON form: ``jsonObject`` is what the command line prints with
/// `--format json`, and its `Codable` conformance encodes and decodes exactly that, so a Swift
/// user's `JSONEncoder` and the CLI say the same thing. Amounts keep the unit the form names:
/// token units (decimal text) where the result names its asset's `decimals`, base units where
/// a key says `BaseUnits` or the result has no asset (import facts).
public protocol JSONForm: Codable {
  /// The JSON form.
  var jsonObject: JSONValue { get }
  /// Reads the JSON form back; throws `invalidOperation` naming the field that is not.
  init(jsonObject: JSONValue) throws
}

extension JSONForm {
  /// Encodes ``jsonObject``.
  public func encode(to encoder: any Encoder) throws { try jsonObject.encode(to: encoder) }

  /// Decodes the JSON form.
  public init(from decoder: any Decoder) throws {
    try self.init(jsonObject: JSONValue(from: decoder))
  }
}

extension JSONValue: Codable {
  /// A number is encoded as an integer when its text is one, else as an exact `Decimal`;
  /// never through a binary float.
  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .null:
      var container = encoder.singleValueContainer()
      try container.encodeNil()
    case .bool(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .number(let text):
      var container = encoder.singleValueContainer()
      if let value = Int64(text) {
        try container.encode(value)
      } else if let value = UInt64(text) {
        try container.encode(value)
      } else if let value = Decimal(string: text) {
        try container.encode(value)
      } else {
        throw EncodingError.invalidValue(
          text, .init(codingPath: encoder.codingPath, debugDescription: "not a JSON number"))
      }
    case .string(let text):
      var container = encoder.singleValueContainer()
      try container.encode(text)
    case .array(let items):
      var container = encoder.unkeyedContainer()
      for item in items { try container.encode(item) }
    case .object(let members):
      var container = encoder.container(keyedBy: MemberKey.self)
      for (key, value) in members.sorted(by: { $0.key < $1.key }) {
        try container.encode(value, forKey: MemberKey(key))
      }
    }
  }

  /// Reads any JSON value; a number keeps its exact text (an integer, else a `Decimal`).
  public init(from decoder: any Decoder) throws {
    if let container = try? decoder.container(keyedBy: MemberKey.self) {
      var members: [String: JSONValue] = [:]
      for key in container.allKeys {
        members[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
      }
      self = .object(members)
      return
    }
    if var container = try? decoder.unkeyedContainer() {
      var items: [JSONValue] = []
      while !container.isAtEnd { items.append(try container.decode(JSONValue.self)) }
      self = .array(items)
      return
    }
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .number(String(value))
    } else if let value = try? container.decode(UInt64.self) {
      self = .number(String(value))
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else {
      let value = try container.decode(Decimal.self)
      self = .number(value.description)
    }
  }

  private struct MemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ key: String) { stringValue = key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}

/// Reads the members of a result's JSON form, each failure naming the result and the field.
struct JSONFields {
  let members: [String: JSONValue]
  let name: String

  init(_ value: JSONValue, _ name: String) throws(LedgerError) {
    guard case .object(let members) = value else {
      throw LedgerError(.invalidOperation, "\(name): the JSON form is not an object")
    }
    self.members = members
    self.name = name
  }

  func fail(_ key: String, _ what: String) -> LedgerError {
    LedgerError(.invalidOperation, "\(name): '\(key)' \(what)")
  }

  func value(_ key: String) throws(LedgerError) -> JSONValue {
    guard let value = members[key] else { throw fail(key, "is missing") }
    return value
  }

  func string(_ key: String) throws(LedgerError) -> String {
    guard case .string(let text) = try value(key) else { throw fail(key, "is not a string") }
    return text
  }

  func optionalString(_ key: String) throws(LedgerError) -> String? {
    switch members[key] {
    case nil, .null?: return nil
    case .string(let text)?: return text
    default: throw fail(key, "is not a string")
    }
  }

  func integer(_ key: String) throws(LedgerError) -> Int64 {
    guard let value = try optionalInteger(key) else { throw fail(key, "is missing") }
    return value
  }

  func optionalInteger(_ key: String) throws(LedgerError) -> Int64? {
    switch members[key] {
    case nil, .null?: return nil
    case .number(let text)?:
      guard let value = Int64(text) else { throw fail(key, "is not an integer") }
      return value
    default: throw fail(key, "is not an integer")
    }
  }

  func int(_ key: String) throws(LedgerError) -> Int { Int(try integer(key)) }

  func bool(_ key: String) throws(LedgerError) -> Bool {
    guard case .bool(let value) = try value(key) else { throw fail(key, "is not a boolean") }
    return value
  }

  func object(_ key: String) throws(LedgerError) -> [String: JSONValue] {
    guard case .object(let members) = try value(key) else { throw fail(key, "is not an object") }
    return members
  }

  func array(_ key: String) throws(LedgerError) -> [JSONValue] {
    guard case .array(let items) = try value(key) else { throw fail(key, "is not an array") }
    return items
  }

  /// A map of names to integers (`skipped`).
  func counts(_ key: String) throws(LedgerError) -> [String: Int] {
    var result: [String: Int] = [:]
    for (name, value) in try object(key) {
      guard case .number(let text) = value, let count = Int(text) else {
        throw fail(key + "." + name, "is not an integer")
      }
      result[name] = count
    }
    return result
  }
}
