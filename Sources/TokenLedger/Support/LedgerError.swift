/// A stable, documented error code. The raw values are part of the public contract
/// (`contract.md`): fixtures name them in `expectError` and scripts read them from JSON, so a
/// raw value never changes once shipped, nor does the order of the cases (a golden test pins
/// both). The order is not the precedence between rules: that is each verb's, as the contract
/// and `docs/decisions.md` state it (shape, then the asset, then the names an operation refers
/// to, then the pause, then amounts against balances; the ERC-20 verbs in OpenZeppelin's order).
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
  case invalidOperation
  case duplicateId
  case unknownAsset
  case invalidAmount
  case precisionExceeded
  case invalidAddress
  case invalidSender
  case invalidReceiver
  case invalidApprover
  case invalidSpender
  case clockBackwards
  case assetPaused
  case unknownValidator
  case unknownHold
  case holdExpired
  case holdExceeded
  case invalidRate
  case insufficientAllowance
  case insufficientBalance
  case insufficientStake
  case amountOverflow
}

/// A rejected operation or input. Carries a stable ``ErrorCode`` and a one-line message that
/// names the operation, account, asset and amounts involved. Throwing it never leaves a partial
/// change behind: the journal rolls the whole operation back.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The stable code scripts and fixtures match on.
  public let code: ErrorCode
  /// What was refused, naming the operation, account, asset and amounts.
  public let message: String
  /// The refused operation's position in the batch passed to ``Ledger/apply(_:mode:)`` (or
  /// its `jsonLines`), from 0; nil when the error is not an operation's of a batch. The message
  /// counts from 1 ("operation 3" is index 2).
  public let operationIndex: Int?

  /// An error with its code and message.
  public init(_ code: ErrorCode, _ message: String) {
    self.init(code, message, operationIndex: nil)
  }

  fileprivate init(_ code: ErrorCode, _ message: String, operationIndex: Int?) {
    self.code = code
    self.message = message
    self.operationIndex = operationIndex
  }

  /// `code: message`.
  public var description: String { "\(code.rawValue): \(message)" }

  /// The same error with a prefix naming where it happened (an operation index, a line).
  public func located(_ location: String) -> LedgerError {
    LedgerError(code, "\(location): \(message)", operationIndex: operationIndex)
  }

  /// The same error located (a line) as the operation at `index` of a stream (from 0).
  public func located(_ location: String, operationIndex index: Int) -> LedgerError {
    LedgerError(code, "\(location): \(message)", operationIndex: index)
  }

  /// The same error as the operation at `index` of a batch (from 0) refused it.
  public func atOperation(_ index: Int) -> LedgerError {
    LedgerError(code, "operation \(index + 1): \(message)", operationIndex: index)
  }
}

extension LedgerError: JSONForm {
  /// `{"code", "message", "operationIndex"?}`: the `error` member of the CLI's JSON failure.
  public var jsonObject: JSONValue {
    var members: [String: JSONValue] = [
      "code": .string(code.rawValue), "message": .string(message),
    ]
    if let operationIndex { members["operationIndex"] = .number(String(operationIndex)) }
    return .object(members)
  }

  /// Reads the JSON form back; a field that is not one is `invalidOperation` naming it.
  public init(jsonObject: JSONValue) throws {
    let fields = try JSONFields(jsonObject, "LedgerError")
    let text = try fields.string("code")
    guard let code = ErrorCode(rawValue: text) else {
      throw fields.fail("code", "'\(text.truncatedForMessage)' is not an error code")
    }
    self.init(
      code, try fields.string("message"),
      operationIndex: try fields.optionalInteger("operationIndex").map { Int($0) })
  }
}
