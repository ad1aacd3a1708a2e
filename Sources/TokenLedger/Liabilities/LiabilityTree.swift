import Crypto

/// A Merkle-sum tree over holder balances (Maxwell's, with the fix of Hu, Zhang and Guo 2019:
/// each node hashes both children's sums, not only their total), the contract's "Proof of
/// liabilities". Leaves are sorted by commitment and padded to a power of two; every level is
/// kept as flat arrays (32 bytes of hash and one sum per node), so a million holders take
/// about 100 MB and a proof is read off the levels without rebuilding anything.
public struct LiabilityTree: Sendable {
  /// One holder's leaf before sorting.
  struct Holder: Sendable {
    let account: String
    let balance: Amount
    let salt: [UInt8]
  }

  /// The holders in leaf order (sorted by commitment).
  let holders: [Holder]
  /// `hashes[level]` holds 32 bytes per node; level 0 are the leaves, the last is the root.
  let hashes: [[UInt8]]
  /// `sums[level][node]`, in base units.
  let sums: [[UInt128]]

  /// The number of levels above the leaves (0 for a single leaf).
  public var depth: Int { hashes.count - 1 }
  public var rootHash: [UInt8] { hashes[depth] }
  public var total: Amount { Amount(baseUnits: sums[depth][0]) }
  public var holderCount: Int { holders.count }

  /// Builds the tree from holders with non-zero balances and their salts (32 random bytes
  /// each). Balances sum to at most 2^128 − 1: they are one asset's holdings, bounded by its
  /// total supply, so an overflow here is a bug.
  init(holders unsorted: [Holder]) {
    var commitments: [[UInt8]] = []
    commitments.reserveCapacity(unsorted.count)
    for holder in unsorted {
      precondition(holder.salt.count == 32 && !holder.balance.isZero, "a leaf has a salt")
      commitments.append(Self.commitment(account: holder.account, salt: holder.salt))
    }
    let order = commitments.indices.sorted {
      commitments[$0].lexicographicallyPrecedes(commitments[$1])
    }
    holders = order.map { unsorted[$0] }
    var leafCount = 1
    while leafCount < max(unsorted.count, 1) { leafCount *= 2 }
    var level = [UInt8](repeating: 0, count: 32 * leafCount)
    var levelSums = [UInt128](repeating: 0, count: leafCount)
    for (position, index) in order.enumerated() {
      let hash = Self.leafHash(commitment: commitments[index], balance: unsorted[index].balance)
      level.replaceSubrange((32 * position)..<(32 * position + 32), with: hash)
      levelSums[position] = unsorted[index].balance.baseUnits
    }
    let padding = Self.leafHash(commitment: [UInt8](repeating: 0, count: 32), balance: .zero)
    for position in order.count..<leafCount {
      level.replaceSubrange((32 * position)..<(32 * position + 32), with: padding)
    }
    var hashes = [level]
    var sums = [levelSums]
    while levelSums.count > 1 {
      (level, levelSums) = Self.parents(of: level, sums: levelSums)
      hashes.append(level)
      sums.append(levelSums)
    }
    self.hashes = hashes
    self.sums = sums
  }

  /// The level above `level`.
  private static func parents(of level: [UInt8], sums: [UInt128]) -> ([UInt8], [UInt128]) {
    let count = sums.count / 2
    var hashes = [UInt8](repeating: 0, count: 32 * count)
    var parentSums = [UInt128](repeating: 0, count: count)
    var input = [UInt8](repeating: 0, count: 1 + 2 * (32 + 16))
    input[0] = 0x01
    for index in 0..<count {
      let left = 2 * index
      let right = left + 1
      input.replaceSubrange(1..<33, with: level[(32 * left)..<(32 * left + 32)])
      writeUInt128(sums[left], into: &input, at: 33)
      input.replaceSubrange(49..<81, with: level[(32 * right)..<(32 * right + 32)])
      writeUInt128(sums[right], into: &input, at: 81)
      let (sum, overflow) = sums[left].addingReportingOverflow(sums[right])
      precondition(!overflow, "one asset's holdings exceed 2^128 - 1")
      parentSums[index] = sum
      let digest = SHA256.hash(data: input)
      digest.withUnsafeBytes { bytes in
        hashes.replaceSubrange((32 * index)..<(32 * index + 32), with: bytes)
      }
    }
    return (hashes, parentSums)
  }

  /// The proof of the holder at leaf `index` (its siblings from the leaf up).
  func path(index: Int) -> [LiabilityProof.Node] {
    (0..<depth).map { level in
      let sibling = (index >> level) ^ 1
      return LiabilityProof.Node(
        hash: Array(hashes[level][(32 * sibling)..<(32 * sibling + 32)]),
        sum: Amount(baseUnits: sums[level][sibling]))
    }
  }

  // MARK: The hashes of the contract

  /// `SHA-256(utf8(account) ‖ 0x00 ‖ salt)`.
  static func commitment(account: String, salt: [UInt8]) -> [UInt8] {
    var hasher = SHA256()
    hasher.update(data: Array(account.utf8))
    hasher.update(data: [0x00])
    hasher.update(data: salt)
    return Array(hasher.finalize())
  }

  /// `SHA-256(0x00 ‖ commitment ‖ u128be(balance))`.
  static func leafHash(commitment: [UInt8], balance: Amount) -> [UInt8] {
    var input = [UInt8](repeating: 0, count: 1 + 32 + 16)
    input.replaceSubrange(1..<33, with: commitment)
    writeUInt128(balance.baseUnits, into: &input, at: 33)
    return Array(SHA256.hash(data: input))
  }

  /// `SHA-256(0x01 ‖ left.hash ‖ u128be(left.sum) ‖ right.hash ‖ u128be(right.sum))`.
  static func nodeHash(
    left: [UInt8], leftSum: UInt128, right: [UInt8], rightSum: UInt128
  ) -> [UInt8] {
    var input = [UInt8](repeating: 0, count: 1 + 2 * (32 + 16))
    input[0] = 0x01
    input.replaceSubrange(1..<33, with: left)
    writeUInt128(leftSum, into: &input, at: 33)
    input.replaceSubrange(49..<81, with: right)
    writeUInt128(rightSum, into: &input, at: 81)
    return Array(SHA256.hash(data: input))
  }

  static func writeUInt128(_ value: UInt128, into bytes: inout [UInt8], at offset: Int) {
    for index in 0..<16 {
      bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * (15 - index)))
    }
  }
}
