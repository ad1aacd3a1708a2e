@testable import TokenLedger

/// A deliberately simple model of what the ledger should hold: plain dictionaries and the
/// rules written out again, independent of the posting compiler. The simulator applies every
/// operation to both and compares them after each step (TigerBeetle's auditor does the same
/// for its state machine).
struct ReferenceModel {
  struct Key: Hashable, Comparable {
    let holder: String
    let bucket: String
    static func < (lhs: Key, rhs: Key) -> Bool {
      (lhs.holder, lhs.bucket) < (rhs.holder, rhs.bucket)
    }
  }

  var balances: [Key: UInt128] = [:]
  var allowances: [String: UInt128] = [:]
  var holds: [String: (payer: String, payee: String, amount: UInt128)] = [:]
  var usedHolds: Set<String> = []
  var supply: UInt128 = 0

  func balance(_ holder: String, _ bucket: String = "available") -> UInt128 {
    balances[Key(holder: holder, bucket: bucket)] ?? 0
  }

  mutating func move(_ amount: UInt128, from: Key?, to: Key?) {
    if let from { balances[from, default: 0] -= amount }
    if let to { balances[to, default: 0] += amount }
    balances = balances.filter { $0.value != 0 }
  }

  /// Applies one operation; false when the ledger must reject it.
  mutating func apply(_ op: SimulatedOperation) -> Bool {
    func available(_ holder: String) -> Key { Key(holder: holder, bucket: "available") }
    switch op {
    case .mint(let to, let amount):
      move(amount, from: nil, to: available(to))
      supply += amount
    case .burn(let from, let amount):
      guard balance(from) >= amount else { return false }
      move(amount, from: available(from), to: nil)
      supply -= amount
    case .transfer(let from, let to, let amount):
      guard balance(from) >= amount else { return false }
      move(amount, from: available(from), to: available(to))
    case .approve(let owner, let spender, let amount):
      allowances["\(owner)>\(spender)"] = amount
    case .transferFrom(let spender, let from, let to, let amount):
      let allowance = allowances["\(from)>\(spender)"] ?? 0
      guard allowance >= amount, balance(from) >= amount else { return false }
      allowances["\(from)>\(spender)"] = allowance - amount
      move(amount, from: available(from), to: available(to))
    case .delegate(let delegator, let validator, let amount):
      guard balance(delegator) >= amount else { return false }
      move(
        amount, from: available(delegator),
        to: Key(holder: delegator, bucket: "staked(\(validator))"))
    case .undelegate(let delegator, let validator, let amount):
      guard balance(delegator, "staked(\(validator))") >= amount else { return false }
      move(
        amount, from: Key(holder: delegator, bucket: "staked(\(validator))"),
        to: available(delegator))
    case .hold(let hold, let from, let to, let amount):
      guard !usedHolds.contains(hold), balance(from) >= amount else { return false }
      usedHolds.insert(hold)
      holds[hold] = (from, to, amount)
      move(amount, from: available(from), to: Key(holder: from, bucket: "held(\(hold))"))
    case .settle(let hold, let amount):
      guard let record = holds[hold], amount <= record.amount else { return false }
      holds[hold] = nil
      let held = Key(holder: record.payer, bucket: "held(\(hold))")
      move(amount, from: held, to: available(record.payee))
      move(record.amount - amount, from: held, to: available(record.payer))
    case .void(let hold):
      guard let record = holds[hold] else { return false }
      holds[hold] = nil
      move(
        record.amount, from: Key(holder: record.payer, bucket: "held(\(hold))"),
        to: available(record.payer))
    }
    return true
  }
}

/// The operations the simulator draws (on TAO: 9 decimals, no unbonding period).
enum SimulatedOperation: CustomStringConvertible {
  case mint(String, UInt128)
  case burn(String, UInt128)
  case transfer(String, String, UInt128)
  case approve(String, String, UInt128)
  case transferFrom(String, String, String, UInt128)
  case delegate(String, String, UInt128)
  case undelegate(String, String, UInt128)
  case hold(String, String, String, UInt128)
  case settle(String, UInt128)
  case void(String)

  static let holders = ["alice", "bob", "carol"]
  static let validators = ["v1", "v2"]

  static func random(using generator: inout SeededGenerator, step: Int) -> SimulatedOperation {
    func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
    let amount = UInt128(generator.next() % 5_000_000_000)
    let hold = "h\(generator.next() % 12)"
    switch generator.next() % 11 {
    case 0, 1: return .mint(pick(holders), amount * 3)
    case 2: return .burn(pick(holders), amount)
    case 3: return .transfer(pick(holders), pick(holders), amount)
    case 4: return .approve(pick(holders), pick(holders), amount * 2)
    case 5: return .transferFrom(pick(holders), pick(holders), pick(holders), amount)
    case 6: return .delegate(pick(holders), pick(validators), amount)
    case 7: return .undelegate(pick(holders), pick(validators), amount)
    case 8: return .hold(hold, pick(holders), pick(holders), amount)
    case 9: return .settle(hold, amount / 2)
    default: return .void(hold)
    }
  }

  func tao(_ rao: UInt128) -> String { Amount(baseUnits: rao).formatted(decimals: 9) }

  var line: String {
    switch self {
    case .mint(let to, let a): #"{"op":"mint","asset":"TAO","to":"\#(to)","amount":"\#(tao(a))"}"#
    case .burn(let from, let a):
      #"{"op":"burn","asset":"TAO","from":"\#(from)","amount":"\#(tao(a))"}"#
    case .transfer(let f, let t, let a):
      #"{"op":"transfer","asset":"TAO","from":"\#(f)","to":"\#(t)","amount":"\#(tao(a))"}"#
    case .approve(let o, let s, let a):
      #"{"op":"approve","asset":"TAO","owner":"\#(o)","spender":"\#(s)","amount":"\#(tao(a))"}"#
    case .transferFrom(let s, let f, let t, let a):
      #"{"op":"transferFrom","asset":"TAO","spender":"\#(s)","from":"\#(f)","to":"\#(t)","amount":"\#(tao(a))"}"#
    case .delegate(let d, let v, let a):
      #"{"op":"delegate","asset":"TAO","delegator":"\#(d)","validator":"\#(v)","amount":"\#(tao(a))"}"#
    case .undelegate(let d, let v, let a):
      #"{"op":"undelegate","asset":"TAO","delegator":"\#(d)","validator":"\#(v)","amount":"\#(tao(a))"}"#
    case .hold(let h, let f, let t, let a):
      #"{"op":"hold","asset":"TAO","from":"\#(f)","to":"\#(t)","amount":"\#(tao(a))","hold":"\#(h)"}"#
    case .settle(let h, let a): #"{"op":"settle","hold":"\#(h)","amount":"\#(tao(a))"}"#
    case .void(let h): #"{"op":"void","hold":"\#(h)"}"#
    }
  }

  var description: String { line }
}
