import Foundation
import PropertyBased
import Testing

@testable import TokenLedger

/// A publication's bundle (`proofs.jsonl` and `proofs.index`) gives every holder its proof
/// back, found by binary search, and nobody else's; a bundle that does not hold together is an
/// error, never another customer's proof.
@Suite struct LiabilityBundleTests {
  /// A ledger of `holders` holders with skewed balances.
  func publication(holders: Int) throws -> LiabilityPublication {
    let ledger = try makeLedger()
    var lines = [anyAsset]
    for index in 0..<holders {
      lines.append(
        #"{"op":"mint","asset":"TOK","to":"h\#(index)","amount":"\#(1 + index * index % 977)"}"#)
    }
    try ledger.apply(jsonLines: lines)
    return try ledger.liabilities(asset: "TOK")
  }

  func written(_ publication: LiabilityPublication) throws -> String {
    let directory = NSTemporaryDirectory() + "tokenledger-bundle-\(UUID().uuidString)"
    try publication.write(to: directory)
    return directory
  }

  /// Every holder, at any size (one leaf, a power of two, one past it), is found and verifies.
  @Test func everyHolderFindsItsOwnProof() async throws {
    await propertyCheck(count: 12, input: Gen.int(in: 1...300)) { holders in
      let publication = try publication(holders: holders)
      let directory = try written(publication)
      defer { try? FileManager.default.removeItem(atPath: directory) }
      for index in 0..<holders {
        let proof = try #require(
          try LiabilityBundle.proof(inBundle: directory, account: "h\(index)"))
        #expect(proof == publication.proof(account: "h\(index)"))
        #expect(throws: Never.self) { try proof.verify(against: publication.root) }
      }
      // The bundle's lines are the proofs' canonical documents, byte for byte, in leaf order.
      let lines = try String(
        contentsOfFile: directory + "/" + LiabilityBundle.proofsFile, encoding: .utf8
      ).split(separator: "\n").map(String.init)
      #expect(lines == (0..<holders).map { publication.proof(index: $0).canonicalText })
      #expect(try LiabilityBundle.proof(inBundle: directory, account: "nobody") == nil)
      #expect(try LiabilityBundle.proof(inBundle: directory, account: "H0") == nil)
      let index =
        try FileManager.default.attributesOfItem(
          atPath: directory + "/" + LiabilityBundle.indexFile)[.size] as? Int
      #expect(index == 40 * holders)
    }
  }

  /// An index cut short, or one whose record points at another customer's line, is refused.
  @Test func aBundleThatDoesNotHoldTogetherIsRefused() throws {
    let publication = try publication(holders: 20)
    let directory = try written(publication)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let indexPath = directory + "/" + LiabilityBundle.indexFile
    var index = try Data(contentsOf: URL(fileURLWithPath: indexPath))
    // Swap the offsets of the first two records: each account now points at the other's line.
    let first = index[32..<40]
    index.replaceSubrange(32..<40, with: index[72..<80])
    index.replaceSubrange(72..<80, with: first)
    try index.write(to: URL(fileURLWithPath: indexPath))
    var refused = 0
    for holder in 0..<20 {
      do {
        _ = try LiabilityBundle.proof(inBundle: directory, account: "h\(holder)")
      } catch let error as LedgerError {
        #expect(error.message.contains("whose proof is of"))
        refused += 1
      }
    }
    #expect(refused == 2)
    try index.prefix(50).write(to: URL(fileURLWithPath: indexPath))
    #expect(throws: LedgerError.self) {
      try LiabilityBundle.proof(inBundle: directory, account: "h0")
    }
  }

  /// A bundle is never written over another, and the per-holder files are the bundle's lines.
  @Test func aBundleIsNeverOverwrittenAndTheFilesAreItsLines() throws {
    let publication = try publication(holders: 5)
    let directory = NSTemporaryDirectory() + "tokenledger-bundle-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try publication.write(to: directory, perHolderFiles: true)
    let lines = try String(contentsOfFile: directory + "/proofs.jsonl", encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    for line in lines {
      let proof = try LiabilityProof(json: Array(line.utf8))
      let file = directory + "/proofs/" + LiabilityProof.fileName(account: proof.account)
      #expect(try String(contentsOfFile: file, encoding: .utf8) == line + "\n")
    }
    #expect(throws: LedgerError.self) { try publication.write(to: directory) }
  }
}
