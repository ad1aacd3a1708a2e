/// A streaming RFC 4180 reader: comma-separated, double-quoted fields with `""` escapes and
/// line breaks inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark skipped. One record
/// at a time; memory does not grow with the file.
final class CSVReader {
  struct Failure: Error, Sendable {
    let line: Int
    let reason: String
  }

  /// The largest field accepted, so that a hostile file cannot make a record grow unbounded.
  static let fieldBytesMax = 1 << 20

  private let bytes: ByteReader
  /// The 1-based line on which the last record returned started.
  private(set) var line = 0
  private var nextLine = 1

  init(path: String) throws(FileError) {
    bytes = try ByteReader(path: path)
    // Skip a UTF-8 byte-order mark. A file starting with part of one is refused (as bad input,
    // on the first read) rather than read from the middle of a character.
    if bytes.peek() == 0xEF {
      _ = bytes.next()
      if bytes.next() != 0xBB || bytes.next() != 0xBF {
        brokenStart = Failure(line: 1, reason: "the file starts with a broken byte-order mark")
      }
    }
  }

  private var brokenStart: Failure?

  /// The read error that ended the file early, if any (see ``ByteReader/readError``).
  var readError: FileError? { bytes.readError }

  /// The next record's fields, or nil at the end of the file. A blank line is skipped.
  func next() throws(Failure) -> [String]? {
    if let brokenStart { throw brokenStart }
    while true {
      guard bytes.peek() != nil else { return nil }
      line = nextLine
      let record = try readRecord()
      if record == [""] { continue }
      return record
    }
  }

  private func readRecord() throws(Failure) -> [String] {
    var fields: [String] = []
    var field: [UInt8] = []
    var quoted = false
    var wasQuoted = false
    func finishField() throws(Failure) {
      guard let text = String(validating: field, as: UTF8.self) else {
        throw Failure(line: line, reason: "field \(fields.count + 1) is not valid UTF-8")
      }
      fields.append(text)
      field.removeAll(keepingCapacity: true)
      wasQuoted = false
    }
    while let byte = bytes.next() {
      guard field.count < Self.fieldBytesMax else {
        throw Failure(
          line: line, reason: "field \(fields.count + 1) is longer than \(Self.fieldBytesMax) bytes"
        )
      }
      if quoted {
        if byte == UInt8(ascii: "\"") {
          if bytes.peek() == UInt8(ascii: "\"") {
            _ = bytes.next()
            field.append(byte)
          } else {
            quoted = false
          }
        } else {
          if byte == 0x0A { nextLine += 1 }
          field.append(byte)
        }
        continue
      }
      switch byte {
      case UInt8(ascii: ","):
        try finishField()
      case UInt8(ascii: "\""):
        guard field.isEmpty, !wasQuoted else {
          throw Failure(line: line, reason: "a quote inside unquoted field \(fields.count + 1)")
        }
        quoted = true
        wasQuoted = true
      case 0x0D where bytes.peek() == 0x0A:
        continue
      case 0x0A:
        nextLine += 1
        try finishField()
        return fields
      default:
        guard !wasQuoted else {
          throw Failure(
            line: line, reason: "text after the closing quote of field \(fields.count + 1)")
        }
        field.append(byte)
      }
    }
    if quoted {
      throw Failure(line: line, reason: "a quoted field is not closed before the end of the file")
    }
    try finishField()
    return fields
  }
}
