import Foundation
import Testing

/// Runs the built `tokenledger` binary and captures what a user would see.
enum CLI {
  struct Result {
    let exitCode: Int32
    let stdout: String
    let stderr: String
  }

  /// The binary next to the test bundle (`swift test` builds it: the test target depends on it).
  static let binary: String = {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    while !FileManager.default.fileExists(
      atPath: directory.appendingPathComponent("tokenledger").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("tokenledger").path
  }()

  static let repository: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.lastPathComponent != "Tests" { url = url.deletingLastPathComponent() }
    return url.deletingLastPathComponent().path
  }()

  static func run(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
    in directory: String? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    // Standard input comes from a file, so that a child that stops reading early (a failed
    // apply) can neither block the test nor kill it with SIGPIPE.
    let inputPath = NSTemporaryDirectory() + "tokenledger-stdin-" + UUID().uuidString
    try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: inputPath))
    defer { try? FileManager.default.removeItem(atPath: inputPath) }
    process.standardInput = FileHandle(forReadingAtPath: inputPath)
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(
      process.terminationReason == .exit,
      "tokenledger \(arguments) died of signal \(process.terminationStatus)")
    return Result(
      exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Runs a line of bash; its exit status.
  static func shell(_ command: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", command]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// A fresh temporary folder for one test's ledger files.
  /// `init` at `db`, then asset T (2 decimals, any address).
  static func initWithAsset(_ db: String) throws {
    #expect(try run(["init", "--db", db]).exitCode == 0)
    #expect(
      try run(
        ["apply", "--db", db, "-"],
        stdin: #"{"op":"defineAsset","symbol":"T","decimals":2,"addressScheme":"any"}"#
      ).exitCode == 0)
  }

  /// Runs one statement through the sqlite3 shell, as a person editing the file would (false,
  /// and a note, when the machine has no shell: the caller skips what needs it).
  static func sqlite3(_ db: String, _ sql: String) throws -> Bool {
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
      print("skipped: no sqlite3 shell on this machine")
      return false
    }
    shell.arguments = [db, sql]
    try shell.run()
    shell.waitUntilExit()
    return shell.terminationStatus == 0
  }

  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "tokenledger-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func fixture(_ name: String) -> String { repository + "/fixtures/" + name }

  /// A table's text with every run of spaces as one space: what a row says, whatever the
  /// alignment.
  static func collapsed(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.split(separator: " ").joined(separator: " ")
    }.joined(separator: "\n")
  }

  static func json(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return object as? [String: Any] ?? [:]
  }
}
