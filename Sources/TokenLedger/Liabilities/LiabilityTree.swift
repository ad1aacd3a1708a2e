import Crypto

/// A Merkle-sum tree over holder balances (Maxwell's, with the fix of Hu, Zhang and Guo 2019:
/// each node hashes both children's sums, not only their total), the contract's "Proof of
/// liabilities". Leaves are sorted by commitment and padded to a power of two; every level is
/// kept as flat arrays (32 bytes of hash and one sum per node), so a million holders take
/// about 100 MB and a proof is read off the levels without rebuilding anything.
public struct LiabilityTree: Sendable {
  /// The holders' accounts, balances (base units) and salts (32 bytes each), in leaf order
  /// (sorted by commitment). Flat arrays: a million holders are a few allocations, not
  /// millions.
  let accounts: [String]
  let balances: [UInt128]
  let salts: [UInt8]
  /// `hashes[level]` holds 32 bytes per node; level 0 are the leaves, the last is the root.
  let hashes: [[UInt8]]
  /// `sums[level][node]`, in base units.
  let sums: [[UInt128]]

  /// The number of levels above the leaves (0 for a single leaf).
  public var depth: Int { hashes.count - 1 }
  /// The root hash.
  public var rootHash: [UInt8] { hashes[depth] }
  /// The sum of every leaf: what is owed.
  public var total: Amount { Amount(baseUnits: sums[depth][0]) }
  /// Holders with a leaf.
  public var holderCount: Int { accounts.count }

  func salt(_ index: Int) -> [UInt8] { Array(salts[(32 * index)..<(32 * index + 32)]) }

  /// Builds the tree from holders with non-zero balances and their salts (32 random bytes
  /// each, `salts` holding them back to back). Balances sum to at most 2^128 − 1: they are one
  /// asset's holdings, bounded by its total supply, so an overflow here is a bug.
  init(
    accounts unsortedAccounts: [String], balances unsortedBalances: [UInt128],
    salts unsortedSalts: [UInt8]
  ) {
    let count = unsortedAccounts.count
    precondition(unsortedBalances.count == count && unsortedSalts.count == 32 * count)
    precondition(!unsortedBalances.contains(0), "only holders with a balance have a leaf")
    var commitments = [UInt8](repeating: 0, count: 32 * count)
    for index in 0..<count {
      Self.commitment(
        account: unsortedAccounts[index], salt: unsortedSalts[(32 * index)..<(32 * index + 32)],
        into: &commitments, at: 32 * index)
    }
    let order = Self.sortedOrder(commitments, count: count)
    accounts = order.map { unsortedAccounts[$0] }
    balances = order.map { unsortedBalances[$0] }
    var salts = [UInt8](repeating: 0, count: 32 * count)
    var leafCount = 1
    while leafCount < max(count, 1) { leafCount *= 2 }
    var level = [UInt8](repeating: 0, count: 32 * leafCount)
    var levelSums = [UInt128](repeating: 0, count: leafCount)
    for (position, index) in order.enumerated() {
      salts.replaceSubrange(
        (32 * position)..<(32 * position + 32),
        with: unsortedSalts[(32 * index)..<(32 * index + 32)])
      Self.leafHash(
        commitment: commitments[(32 * index)..<(32 * index + 32)], balance: unsortedBalances[index],
        into: &level, at: 32 * position)
      levelSums[position] = unsortedBalances[index]
    }
    self.salts = salts
    let zeros = [UInt8](repeating: 0, count: 32)
    for position in count..<leafCount {
      Self.leafHash(commitment: zeros[...], balance: 0, into: &level, at: 32 * position)
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

  /// Leaf positions in commitment order: sorted on the first 8 bytes as one integer, ties
  /// (one in 2^64 per pair) broken on all 32 bytes.
  private static func sortedOrder(_ commitments: [UInt8], count: Int) -> [Int] {
    var keys: [(prefix: UInt64, index: Int)] = []
    keys.reserveCapacity(count)
    for index in 0..<count {
      var prefix: UInt64 = 0
      for byte in commitments[(32 * index)..<(32 * index + 8)] {
        prefix = prefix << 8 | UInt64(byte)
      }
      keys.append((prefix, index))
    }
    keys.sort { left, right in
      if left.prefix != right.prefix { return left.prefix < right.prefix }
      return commitments[(32 * left.index)..<(32 * left.index + 32)].lexicographicallyPrecedes(
        commitments[(32 * right.index)..<(32 * right.index + 32)])
    }
    return keys.map(\.index)
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
    var output = [UInt8](repeating: 0, count: 32)
    commitment(account: account, salt: salt[...], into: &output, at: 0)
    return output
  }

  static func commitment(
    account: String, salt: ArraySlice<UInt8>, into output: inout [UInt8], at offset: Int
  ) {
    var hasher = SHA256()
    var account = account
    account.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
    salt.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    copy(hasher.finalize(), into: &output, at: offset)
  }

  /// `SHA-256(0x00 ‖ commitment ‖ u128be(balance))`.
  static func leafHash(commitment: [UInt8], balance: Amount) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: 32)
    leafHash(commitment: commitment[...], balance: balance.baseUnits, into: &output, at: 0)
    return output
  }

  static func leafHash(
    commitment: ArraySlice<UInt8>, balance: UInt128, into output: inout [UInt8], at offset: Int
  ) {
    var input = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    withUnsafeMutableBytes(of: &input) { bytes in
      commitment.withUnsafeBytes {
        bytes.baseAddress!.advanced(by: 1).copyMemory(from: $0.baseAddress!, byteCount: 32)
      }
      for index in 0..<16 {
        bytes[33 + index] = UInt8(truncatingIfNeeded: balance >> (8 * (15 - index)))
      }
      var hasher = SHA256()
      hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[0..<49]))
      copy(hasher.finalize(), into: &output, at: offset)
    }
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

  private static func copy(_ digest: SHA256.Digest, into output: inout [UInt8], at offset: Int) {
    digest.withUnsafeBytes { digestBytes in
      output.withUnsafeMutableBytes { bytes in
        bytes.baseAddress!.advanced(by: offset).copyMemory(
          from: digestBytes.baseAddress!, byteCount: 32)
      }
    }
  }
}
