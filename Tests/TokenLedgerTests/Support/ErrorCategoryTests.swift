import Testing

@testable import TokenLedger

/// Every public error says its category, which is the CLI's exit code, and whether trying
/// again may help.
@Suite struct ErrorCategoryTests {
  @Test func eachCategoryIsTheContractsExitCode() {
    #expect(ErrorCategory.allCases.map(\.exitCode) == [2, 1, 3])
  }

  @Test func eachErrorHasItsCategoryAndTransience() {
    let cases: [(any CategorizedError, ErrorCategory, Bool)] = [
      (LedgerError(.insufficientBalance, "short"), .rejected, false),
      (SourceError(location: "line 1", code: .invalidOperation, reason: "bad"), .rejected, false),
      (DatabaseError(resultCode: 5, message: "busy"), .io, true),
      (DatabaseError(resultCode: 6, message: "locked"), .io, true),
      (DatabaseError(resultCode: 11, message: "corrupt"), .io, false),
      (ChainError(.malformed, "lie"), .rejected, false),
      (ChainError(.tooLarge, "big"), .rejected, false),
      (ChainError(.unreachable, "down"), .io, true),
      (ChainError(.stopped, "asked"), .io, false),
    ]
    for (error, category, transient) in cases {
      #expect(error.category == category, "\(error)")
      #expect(error.isTransient == transient, "\(error)")
    }
  }
}
