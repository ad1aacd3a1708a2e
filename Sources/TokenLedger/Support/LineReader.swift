#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file (or standard input) one line at a time with a fixed buffer, so memory does not
/// grow with the file. Lines end at `\n`; a trailing `\r` is removed (CRLF files).
///
/// Two things are never taken for the end of the file: a read error (thrown as ``FileError``,
/// an I/O failure) and a line longer than the reader's limit (thrown as `invalidOperation`
/// naming the limit, as soon as the limit is passed, before more memory is spent).
public final class LineReader {
  private let descriptor: Int32
  private let ownsDescriptor: Bool
  private let path: String
  /// The longest line accepted, in bytes without its line end.
  public let lineBytesMax: Int
  private var buffer = [UInt8](repeating: 0, count: 1 << 16)
  private var start = 0
  private var end = 0
  private var atEnd = false
  /// The 1-based number of the line last returned.
  public private(set) var lineNumber = 0

  /// Reads up to the buffer's size into it: the byte count, 0 at the end, -1 with `errno`.
  private let readChunk: (UnsafeMutableRawBufferPointer) -> Int

  /// Opens `path`, or standard input for `-`. A directory or a missing file is a
  /// ``FileError``.
  public init(path: String, lineBytesMax: Int = Limits.operationLineBytesMax) throws(FileError) {
    self.path = path
    self.lineBytesMax = lineBytesMax
    let descriptor: Int32
    if path == "-" {
      descriptor = 0
      ownsDescriptor = false
    } else {
      descriptor = try InputFile.open(path)
      ownsDescriptor = true
    }
    self.descriptor = descriptor
    readChunk = { buffer in read(descriptor, buffer.baseAddress, buffer.count) }
  }

  /// A reader over a function instead of a file: the test seam for read errors.
  init(
    name: String, lineBytesMax: Int = Limits.operationLineBytesMax,
    readChunk: @escaping (UnsafeMutableRawBufferPointer) -> Int
  ) {
    path = name
    self.lineBytesMax = lineBytesMax
    descriptor = -1
    ownsDescriptor = false
    self.readChunk = readChunk
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// True when the input is a terminal (someone is expected to type or paste lines).
  public var isTerminal: Bool { isatty(descriptor) == 1 }

  /// The next line's bytes without its line end, or `nil` at the end of the file.
  public func next() throws -> [UInt8]? {
    var line: [UInt8] = []
    while true {
      if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
        line += buffer[start..<newline]
        start = newline + 1
        return try finish(line)
      }
      line += buffer[start..<end]
      start = end
      try checkLength(line.count)
      let more = try atEnd ? false : fill()
      if !more {
        return line.isEmpty ? nil : try finish(line)
      }
    }
  }

  private func finish(_ line: [UInt8]) throws -> [UInt8] {
    var line = line
    if line.last == 0x0D { line.removeLast() }
    try checkLength(line.count)
    lineNumber += 1
    return line
  }

  private func checkLength(_ count: Int) throws {
    guard count <= lineBytesMax else {
      throw LedgerError(
        .invalidOperation,
        "line \(lineNumber + 1) of \(path) is longer than the limit of \(lineBytesMax) bytes")
    }
  }

  /// Reads more bytes into the buffer; false at the end of the file.
  private func fill() throws(FileError) -> Bool {
    start = 0
    end = 0
    while true {
      let count = buffer.withUnsafeMutableBytes { readChunk($0) }
      if count > 0 {
        end = count
        return true
      }
      if count == 0 {
        atEnd = true
        return false
      }
      if errno == EINTR { continue }
      throw FileError(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
    }
  }
}

extension LineReader {
  /// A whole document (a fixture, a snapshot, an export), refused past `bytesMax` as soon
  /// as it is passed.
  package static func readWhole(_ path: String, bytesMax: Int) throws -> [UInt8] {
    let reader = try LineReader(path: path, lineBytesMax: bytesMax)
    var bytes: [UInt8] = []
    while let line = try reader.next() {
      bytes += line
      bytes.append(0x0A)
      guard bytes.count <= bytesMax else {
        throw LedgerError(
          .invalidOperation, "\(path) is larger than the limit of \(bytesMax) bytes")
      }
    }
    return bytes
  }
}

/// Opening input files: one place that refuses what is not a readable regular file or stream.
enum InputFile {
  /// A read-only descriptor of `path`; a directory is refused by name, not read as garbage.
  static func open(_ path: String) throws(FileError) -> Int32 {
    let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
    var status = stat()
    if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
      close(descriptor)
      throw FileError(path: path, reason: "is a directory, not a file")
    }
    return descriptor
  }
}

/// A file that cannot be read or written: exit code 3 at the CLI.
public struct FileError: Error, Sendable, CustomStringConvertible {
  /// The file.
  public let path: String
  /// What went wrong with it.
  public let reason: String
  /// An error about a file.
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
  /// `path: reason`.
  public var description: String { "\(path): \(reason)" }
}
