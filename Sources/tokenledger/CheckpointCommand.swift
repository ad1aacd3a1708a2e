import ArgumentParser
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

struct CheckpointCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkpoint",
    abstract: "Sign the ledger's head (Ed25519) into a file to keep apart from the ledger.",
    discussion: """
      A checkpoint (sequence, head hash and state digest, signed with Ed25519) kept apart \
      from the ledger shows later that the journal still extends it: truncating the tail and \
      rehashing the chain cannot be seen from inside the file, but fails against a checkpoint. \
      A key file is never overwritten (mode 0600); --out replaces only an earlier checkpoint.

      Examples:
        tokenledger checkpoint --new-key ledger.key
        tokenledger checkpoint --key ledger.key --out cp-2024-06.json
        tokenledger audit --checkpoint cp-2024-06.json --public-key 3b6a...
      """
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
      if let out {
        try ReplacingFile.write(out, text, option: "--out", kind: "checkpoint") {
          (try? Checkpoint(json: try readFile($0))) != nil
        }
      } else {
        Output.line(String(text.dropLast()))
      }
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
    try ReplacingFile.writeAll(descriptor, Array(text.utf8), path: path)
    guard fsync(descriptor) == 0 else {
      throw FileError(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
