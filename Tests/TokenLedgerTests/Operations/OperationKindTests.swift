import Foundation
import Testing

@testable import TokenLedger

/// One vocabulary: the contract's operations are `OperationKind`, and the journal's entry kinds
/// are exactly those and the three the library writes by itself.
@Suite struct OperationKindTests {
  @Test func entryKindsAreTheOperationsAndTheDerivedKinds() {
    let operations = Set(OperationKind.allCases.map(\.entryKind))
    let derived = Set(EntryKind.allCases.filter(\.isDerived))
    #expect(derived == [.release, .expire, .formatChange])
    #expect(operations.union(derived) == Set(EntryKind.allCases))
    #expect(operations.isDisjoint(with: derived))
    for kind in OperationKind.allCases {
      #expect(kind.entryKind.rawValue == kind.rawValue)
      #expect(kind.entryKind.operationKind == kind)
    }
    #expect(Operation.kinds == Set(OperationKind.allCases.map(\.rawValue)))
  }

  /// Every kind is documented: in the contract's table of operations, or among the
  /// operations this build adds (docs/decisions.md).
  @Test func everyOperationIsDocumented() throws {
    let contract = try String(
      contentsOfFile: Repository.root + "/docs/contract.md", encoding: .utf8)
    let decisions = try String(
      contentsOfFile: Repository.root + "/docs/decisions.md", encoding: .utf8)
    for kind in OperationKind.allCases {
      let row = "| `\(kind.rawValue)` "
      let added = "- `\(kind.rawValue)` ("
      #expect(contract.contains(row) || decisions.contains(added), "\(kind.rawValue)")
    }
  }

  /// A typed operation's kind is the `op` its JSON form carries.
  @Test func anOperationsKindIsItsOpName() throws {
    let ledger = try makeLedger()
    try ledger.apply(jsonLines: [anyAsset])
    let operation = Operation(action: .mint(asset: "TOK", to: "a", amount: Amount(baseUnits: 1)))
    #expect(operation.kind == .mint)
    #expect(operation.jsonObject(decimals: 6)["op"] == .string("mint"))
  }
}
