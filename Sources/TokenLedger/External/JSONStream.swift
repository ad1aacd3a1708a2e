/// Streams the objects of a JSON source one at a time: a JSON-RPC response (`{"result": [...]}`),
/// a bare array of objects, or JSON Lines. Each element is cut out by a byte scanner (strings,
/// escapes and nesting tracked) and parsed alone, so memory does not grow with the file.
final class JSONStream {
  struct Failure: Error, Sendable {
    let element: Int
    let reason: String
  }

  /// The largest element accepted.
  static let elementBytesMax = 1 << 20

  private let bytes: ByteReader
  private enum Mode { case start, array, lines, result, done }
  private var mode = Mode.start
  /// The 1-based number of the element last returned.
  private(set) var element = 0
  /// An object read while looking for `result` that turned out to be the first JSON line.
  private var pending: [UInt8]?

  init(path: String) throws(FileError) {
    bytes = try ByteReader(path: path)
  }

  /// The read error that ended the file early, if any (see ``ByteReader/readError``).
  var readError: FileError? { bytes.readError }

  /// The next object, or nil at the end.
  func next() throws(Failure) -> [String: JSONValue]? {
    switch mode {
    case .start:
      try start()
      return try next()
    case .done:
      return nil
    case .result:
      guard let item = resultItems.popFirst() else { return nil }
      element += 1
      guard let object = item.objectValue else {
        throw Failure(element: element, reason: "is not a JSON object")
      }
      return object
    case .lines:
      if let first = pending {
        pending = nil
        return try parse(first)
      }
      skipWhitespace()
      guard bytes.peek() != nil else {
        mode = .done
        return nil
      }
      return try parse(try captureValue())
    case .array:
      skipWhitespace()
      if element > 0 {
        switch bytes.next() {
        case UInt8(ascii: "]"):
          mode = .done
          return nil
        case UInt8(ascii: ","):
          skipWhitespace()
        case nil:
          throw Failure(
            element: element + 1, reason: "the array is not closed before the end of the file")
        default:
          throw Failure(element: element + 1, reason: "expected ',' or ']' between elements")
        }
      } else if bytes.peek() == UInt8(ascii: "]") {
        _ = bytes.next()
        mode = .done
        return nil
      }
      return try parse(try captureValue())
    }
  }

  private func parse(_ value: [UInt8]) throws(Failure) -> [String: JSONValue] {
    element += 1
    do {
      guard let object = try JSONParser.parse(value).objectValue else {
        throw Failure(element: element, reason: "is not a JSON object")
      }
      return object
    } catch let failure as JSONParser.Failure {
      throw Failure(element: element, reason: failure.description)
    } catch let failure as Failure {
      throw failure
    } catch {
      throw Failure(element: element, reason: "\(error)")
    }
  }

  /// Finds out which of the three shapes the file has. A JSON-RPC response is read whole (a
  /// node bounds its responses); bare arrays and JSON Lines stream.
  private func start() throws(Failure) {
    if bytes.peek() == 0xEF {  // a UTF-8 byte-order mark
      _ = bytes.next()
      _ = bytes.next()
      _ = bytes.next()
    }
    skipWhitespace()
    switch bytes.peek() {
    case nil:
      throw Failure(element: 0, reason: "the file is empty")
    case UInt8(ascii: "["):
      _ = bytes.next()
      mode = .array
    case UInt8(ascii: "{"):
      let object = try captureValue()
      if case .object(let members)? = try? JSONParser.parse(object),
        let items = members["result"]?.arrayValue
      {
        resultItems = items[...]
        mode = .result
      } else {
        pending = object
        mode = .lines
      }
    default:
      throw Failure(element: 0, reason: "expected a JSON array, an object or JSON Lines")
    }
  }

  private var resultItems: ArraySlice<JSONValue> = []

  private func skipWhitespace() {
    while let byte = bytes.peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      _ = bytes.next()
    }
  }

  /// The bytes of one complete JSON value starting at the current position.
  private func captureValue() throws(Failure) -> [UInt8] {
    var value: [UInt8] = []
    var depth = 0
    var inString = false
    var escaped = false
    while let byte = bytes.peek() {
      if !inString && depth == 0 && !value.isEmpty
        && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == 0x0A)
      {
        break
      }
      _ = bytes.next()
      value.append(byte)
      guard value.count <= Self.elementBytesMax else {
        throw Failure(element: element + 1, reason: "longer than \(Self.elementBytesMax) bytes")
      }
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return value }
        if depth < 0 { throw Failure(element: element + 1, reason: "unbalanced brackets") }
      default: break
      }
    }
    if depth != 0 || inString {
      throw Failure(element: element + 1, reason: "truncated: the file ends inside a value")
    }
    return value
  }
}
