import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

struct CheckpointCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkpoint",
    abstract: "Sign the ledger's head (Ed25519) into a file to keep apart from the ledger.",
    discussion:
      "`tokenledger checkpoint --new-key KEYFILE` writes a private key (mode 0600) and prints its public key. `tokenledger checkpoint --key KEYFILE --out FILE` signs the current sequence, head hash and state digest. Verify later with `tokenledger audit --checkpoint FILE --public-key HEX`."
  )

  @OptionGroup var global: GlobalOptions

  @Option(help: "Write a new private key to this file and print its public key.")
  var newKey: String?

  @Option(help: "The private key file to sign with.")
  var key: String?

  @Option(help: "Where to write the checkpoint (default: standard output).")
  var out: String?

  func validate() throws {
    if (newKey == nil) == (key == nil) { throw ValidationError("give either --new-key or --key") }
  }

  func run() throws {
    try runReporting(global.format, "checkpoint") {
      if let newKey {
        let pair = Checkpoint.generatePrivateKey()
        try writeNewKey(newKey, pair.privateKey + "\n")
        Output.line(
          global.format == .json
            ? CanonicalJSON.encode(.object(["publicKey": .string(pair.publicKey)])) : pair.publicKey
        )
        return 0
      }
      let privateKey = String(decoding: try readFile(key!), as: UTF8.self).filter {
        !$0.isWhitespace
      }
      let ledger = try global.openExisting(readOnly: true)
      let checkpoint = try Checkpoint.sign(ledger, privateKey: privateKey)
      let text = CanonicalJSON.encode(checkpoint.jsonObject) + "\n"
      if let out { try writeReplacing(out, text) } else { Output.line(String(text.dropLast())) }
      return 0
    }
  }

  /// Writes a new private key: created with O_EXCL (an existing file, a key most of all, is
  /// never overwritten) and O_NOFOLLOW (a symlink is not followed to somewhere else), mode
  /// 0600. Either failure is a usage error (exit 2): the user named the wrong path.
  private func writeNewKey(_ path: String, _ text: String) throws {
    let descriptor = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      if errno == EEXIST || errno == ELOOP {
        throw UsageError(
          "\(path) already exists (\(reason)); a key file is never overwritten")
      }
      throw FileError(path: path, reason: reason)
    }
    defer { close(descriptor) }
    try writeAll(descriptor, Array(text.utf8), path: path)
    guard fsync(descriptor) == 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }

  /// Writes a checkpoint whole or not at all: a temporary file beside it, synced, then
  /// renamed over the target (a crash leaves the old checkpoint or the new one).
  private func writeReplacing(_ path: String, _ text: String) throws {
    try checkReplaceable(path)
    let temporary = path + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw FileError(path: temporary, reason: String(cString: strerror(errno)))
    }
    do {
      try writeAll(descriptor, Array(text.utf8), path: temporary)
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

  /// The rename replaces whatever the path names, so only a new path or an earlier
  /// checkpoint may be named: never the ledger, a key, a device, a FIFO or a symlink.
  private func checkReplaceable(_ path: String) throws {
    var status = stat()
    guard lstat(path, &status) == 0 else { return }  // a new file
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw UsageError("\(path) is not a regular file; --out names a new file or a checkpoint")
    }
    guard (try? Checkpoint(json: try readFile(path))) != nil else {
      throw UsageError(
        "\(path) exists and is not a checkpoint; --out replaces only an earlier checkpoint")
    }
  }

  private func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        throw FileError(path: path, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
  }
}
