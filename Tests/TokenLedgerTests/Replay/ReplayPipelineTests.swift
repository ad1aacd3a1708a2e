import Foundation
import Testing

@testable import TokenLedger

/// The replay reads and decodes on one thread while another applies, in batches of 10,000: a
/// journal of several batches replays exactly, and operations that fail (to decode, or to
/// apply) are named by entry wherever they fall, without stopping the rest.
@Suite struct ReplayPipelineTests {
  @Test func failuresInTheMiddleOfManyBatchesAreNamedAndTheRestApplies() throws {
    let directory = NSTemporaryDirectory() + "tokenledger-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/l.sqlite"
    let ledger = try Ledger.open(at: path, create: true, durability: .normal)
    var lines = [anyAsset, #"{"op":"mint","asset":"TOK","to":"alice","amount":"1000000"}"#]
    for index in 0..<24_000 {
      let to = ["bob", "carol", "dave"][index % 3]
      lines.append(
        #"{"op":"transfer","asset":"TOK","from":"alice","to":"\#(to)","amount":"0.5","id":"t\#(index)"}"#
      )
    }
    // Entry 12,003: a mint whose stored payload will not decode; entry 12,004: a transfer of
    // everything it minted, which then cannot apply.
    lines.insert(#"{"op":"mint","asset":"TOK","to":"erin","amount":"7","id":"m"}"#, at: 12_002)
    lines.insert(
      #"{"op":"transfer","asset":"TOK","from":"erin","to":"bob","amount":"7","id":"e"}"#,
      at: 12_003)
    try ledger.apply(jsonLines: lines)
    #expect(try ledger.replay().ok)

    try ledger.write { journal in
      try journal.database.execute(
        #"UPDATE entries SET payload = replace(payload, '"amount":"7"', '"amount":"seven"') WHERE seq = 12003"#
      )
      #expect(journal.database.changes == 1)
    }
    let replay = try ledger.replay()
    #expect(replay.operations == 24_002 + 2, "every stored operation, failed or not")
    #expect(replay.failures.count == 2, "\(replay.failures)")
    #expect(replay.failures.first?.hasPrefix("entry 12003 (mint): invalidAmount") == true)
    #expect(replay.failures.last?.hasPrefix("entry 12004 (transfer): insufficientBalance") == true)
    // bob's 7 (and the supply's) are the differences: erin holds 0 either way.
    #expect(Set(replay.differences.map(\.account)) == ["bob", "@supply"])
  }
}
