#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file a buffer at a time, byte by byte, so that parsers stream with flat memory.
final class ByteReader {
  private let file: UnsafeMutablePointer<FILE>
  private var buffer = [UInt8](repeating: 0, count: 1 << 16)
  private var count = 0
  private var position = 0
  /// Bytes consumed so far.
  private(set) var offset = 0
  /// The read error that ended the stream early, if one did: a read error is never taken for
  /// the end of the file. Parsers see the end; their callers check this before trusting it.
  private(set) var readError: FileError?
  private let path: String

  init(path: String) throws(FileError) {
    let descriptor = try InputFile.open(path)
    guard let opened = fdopen(descriptor, "rb") else {
      close(descriptor)
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
    file = opened
    self.path = path
  }

  deinit { fclose(file) }

  /// The next byte without consuming it, or nil at the end.
  func peek() -> UInt8? {
    if position == count {
      guard readError == nil else { return nil }
      count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      position = 0
      if count == 0 {
        if ferror(file) != 0 {
          readError = FileError(
            path: path, reason: "read failed: \(String(cString: strerror(errno)))")
        }
        return nil
      }
    }
    return buffer[position]
  }

  /// The next byte, or nil at the end.
  func next() -> UInt8? {
    guard let byte = peek() else { return nil }
    position += 1
    offset += 1
    return byte
  }
}
