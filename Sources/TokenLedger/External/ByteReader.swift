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

  init(path: String) throws(FileError) {
    guard let opened = fopen(path, "rb") else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
    file = opened
  }

  deinit { fclose(file) }

  /// The next byte without consuming it, or nil at the end.
  func peek() -> UInt8? {
    if position == count {
      count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      position = 0
      if count == 0 { return nil }
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
