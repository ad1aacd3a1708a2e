import Glibc
import TokenLedger

/// Writes a file whole or not at all: into a new temporary file beside it, synced, then
/// renamed over the path. A rename replaces whatever the path names, so only a new path or an
/// earlier file of the same kind (`isReplaceable`) may be named: never the ledger, a key, a
/// device, a FIFO or a symlink.
enum ReplacingFile {
  static func write(
    _ path: String, _ text: String, option: String, kind: String, mode: mode_t = 0o600,
    isReplaceable: (String) -> Bool
  ) throws {
    var status = stat()
    var mode = mode
    if lstat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFREG else {
        throw UsageError("\(path) is not a regular file; \(option) names a new file or a \(kind)")
      }
      guard isReplaceable(path) else {
        throw UsageError(
          "\(path) exists and is not a \(kind); \(option) replaces only an earlier \(kind)")
      }
      mode = status.st_mode & 0o777  // the replacement keeps the permissions it replaces
    }
    let temporary = path + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
      throw FileError(path: temporary, reason: String(cString: strerror(errno)))
    }
    do {
      try writeAll(descriptor, Array(text.utf8), path: temporary)
      guard fchmod(descriptor, mode) == 0 else {  // exactly, whatever the umask
        throw FileError(path: temporary, reason: String(cString: strerror(errno)))
      }
      guard fsync(descriptor) == 0 else {
        throw FileError(path: temporary, reason: String(cString: strerror(errno)))
      }
      close(descriptor)
      guard rename(temporary, path) == 0 else {
        throw FileError(path: path, reason: String(cString: strerror(errno)))
      }
    } catch {
      close(descriptor)
      unlink(temporary)
      throw error
    }
  }

  /// Writes every byte, retrying interrupted and short writes.
  static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes {
        Glibc.write(descriptor, $0.baseAddress, $0.count)
      }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        throw FileError(path: path, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
  }
}
