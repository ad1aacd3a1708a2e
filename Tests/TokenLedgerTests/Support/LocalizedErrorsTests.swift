import Foundation
import Testing

@testable import TokenLedger

/// A Swift user reads an error the way Foundation teaches: `localizedDescription` is the
/// library's one-line message, not "The operation couldn't be completed", and a failed batch
/// names the refused operation's position as a field.
@Suite struct LocalizedErrorsTests {
  @Test func localizedDescriptionIsTheMessage() throws {
    let errors: [any Error] = [
      LedgerError(.insufficientBalance, "transfer of 5 TOK from a: balance 1 TOK"),
      DatabaseError(resultCode: 26, message: "not a ledger"),
      FileError(path: "/tmp/x", reason: "no such ledger"),
    ]
    for error in errors {
      #expect(error.localizedDescription == "\(error)")
      #expect(!error.localizedDescription.contains("couldn’t be completed"))
    }
  }

  @Test func aFailedBatchNamesTheOperationsIndex() throws {
    let ledger = try Ledger.open(at: ":memory:", create: true)
    let lines = [
      anyAsset, #"{"op":"mint","asset":"TOK","to":"a","amount":"10"}"#,
      #"{"op":"transfer","asset":"TOK","from":"a","to":"b","amount":"11"}"#,
    ]
    let error = #expect(throws: LedgerError.self) { try ledger.apply(jsonLines: lines) }
    #expect(error?.code == .insufficientBalance)
    #expect(error?.operationIndex == 2)
    #expect(error?.message.hasPrefix("operation 3: ") == true)
    let results = try ledger.apply(jsonLines: lines, mode: .independent)
    guard case .failed(let failure) = results[2] else {
      Issue.record("expected the third to fail, got \(results)")
      return
    }
    #expect(failure.operationIndex == 2)
    #expect(LedgerError(.invalidAmount, "x").operationIndex == nil)
  }
}
