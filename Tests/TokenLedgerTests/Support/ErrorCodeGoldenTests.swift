import Testing

@testable import TokenLedger

/// The error codes are public contract: fixtures name them in `expectError`, scripts match them
/// in JSON. Their raw values and their order are pinned here; a change to either is a change of
/// the contract and must be made here on purpose.
@Suite struct ErrorCodeGoldenTests {
  @Test func theRawValuesAndTheirOrderArePinned() {
    #expect(
      ErrorCode.allCases.map(\.rawValue) == [
        "invalidOperation", "duplicateId", "unknownAsset", "invalidAmount", "precisionExceeded",
        "invalidAddress", "invalidSender", "invalidReceiver", "invalidApprover", "invalidSpender",
        "clockBackwards", "assetPaused", "unknownValidator", "unknownHold", "holdExpired",
        "holdExceeded", "invalidRate", "insufficientAllowance", "insufficientBalance",
        "insufficientStake", "amountOverflow",
      ])
  }

  /// Every code the contract lists is one of them, and every one of them is in the contract.
  @Test func theContractListsEveryCode() throws {
    let contract = try String(
      contentsOfFile: Repository.root + "/docs/contract.md", encoding: .utf8)
    for code in ErrorCode.allCases {
      #expect(contract.contains("`\(code.rawValue)`"), "\(code.rawValue) is not in the contract")
    }
  }
}
