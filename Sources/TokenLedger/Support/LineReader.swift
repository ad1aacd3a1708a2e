#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file (or standard input) one line at a time with a fixed buffer, so memory does not
/// grow with the file. Lines end at `\n`; a trailing `\r` is removed (CRLF files).
public final class LineReader {
  private let file: UnsafeMutablePointer<FILE>
  private let ownsFile: Bool
  private var buffer: UnsafeMutablePointer<CChar>?
  private var capacity = 0
  /// The 1-based number of the line last returned.
  public private(set) var lineNumber = 0

  /// Opens `path`, or standard input for `-`. Throws a ``DatabaseError``-free I/O error.
  public init(path: String) throws(FileError) {
    if path == "-" {
      // A fresh stream over descriptor 0 rather than the global `stdin`, which Swift 6
      // treats as shared mutable state.
      guard let standardInput = fdopen(0, "rb") else {
        throw FileError(path: "-", reason: "cannot read standard input")
      }
      file = standardInput
      ownsFile = false
    } else {
      guard let opened = fopen(path, "rb") else {
        throw FileError(path: path, reason: String(cString: strerror(errno)))
      }
      file = opened
      ownsFile = true
    }
  }

  deinit {
    free(buffer)
    if ownsFile { fclose(file) }
  }

  /// The next line's bytes without its line end, or `nil` at the end of the file.
  public func next() -> [UInt8]? {
    let count = getline(&buffer, &capacity, file)
    guard count >= 0, let buffer else { return nil }
    lineNumber += 1
    var length = count
    if length > 0 && buffer[length - 1] == 0x0A { length -= 1 }
    if length > 0 && buffer[length - 1] == 0x0D { length -= 1 }
    return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
      Array(UnsafeBufferPointer(start: $0, count: length))
    }
  }
}

/// A file that cannot be read or written: exit code 3 at the CLI.
public struct FileError: Error, Sendable, CustomStringConvertible {
  public let path: String
  public let reason: String
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "\(path): \(reason)" }
}
