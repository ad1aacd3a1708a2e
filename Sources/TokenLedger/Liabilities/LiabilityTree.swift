import Crypto
import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

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
    let commitments = Self.commitments(unsortedAccounts, salts: unsortedSalts)
    let order = Self.sortedOrder(commitments, count: count)
    accounts = order.map { unsortedAccounts[$0] }
    balances = order.map { unsortedBalances[$0] }
    var leafCount = 1
    while leafCount < max(count, 1) { leafCount *= 2 }
    var salts = [UInt8](repeating: 0, count: 32 * count)
    var level = [UInt8](repeating: 0, count: 32 * leafCount)
    // Every padding leaf is the leaf of a zero commitment and a zero balance.
    let padding = Self.leafHash(commitment: [UInt8](repeating: 0, count: 32), balance: .zero)
    let levelSums = balances + [UInt128](repeating: 0, count: leafCount - count)
    padding.withUnsafeBytes { padding in
      salts.withUnsafeMutableBytes { salts in
        level.withUnsafeMutableBytes { level in
          unsortedSalts.withUnsafeBytes { unsortedSalts in
            commitments.withUnsafeBytes { commitments in
              // Each range writes only its own positions' salts and leaves.
              nonisolated(unsafe) let (salts, level, padding) = (salts, level, padding)
              nonisolated(unsafe) let (unsortedSalts, commitments) = (unsortedSalts, commitments)
              Self.forEachRange(leafCount) { range in
                for position in range {
                  guard position < count else {
                    (level.baseAddress! + 32 * position).copyMemory(
                      from: padding.baseAddress!, byteCount: 32)
                    continue
                  }
                  let index = order[position]
                  (salts.baseAddress! + 32 * position).copyMemory(
                    from: unsortedSalts.baseAddress! + 32 * index, byteCount: 32)
                  Self.leafHash(
                    commitment: UnsafeRawBufferPointer(
                      rebasing: commitments[(32 * index)..<(32 * index + 32)]),
                    balance: unsortedBalances[index], into: level.baseAddress! + 32 * position)
                }
              }
            }
          }
        }
      }
    }
    self.salts = salts
    var hashes = [level]
    var sums = [levelSums]
    while sums[sums.count - 1].count > 1 {
      let (parentHashes, parentSums) = Self.parents(
        of: hashes[hashes.count - 1], sums: sums[sums.count - 1])
      hashes.append(parentHashes)
      sums.append(parentSums)
    }
    self.hashes = hashes
    self.sums = sums
  }

  /// Each holder's commitment to its account and salt, 32 bytes each in the holders' order,
  /// computed on every core.
  private static func commitments(_ accounts: [String], salts unsortedSalts: [UInt8]) -> [UInt8] {
    let count = accounts.count
    var commitments = [UInt8](repeating: 0, count: 32 * count)
    commitments.withUnsafeMutableBytes { output in
      unsortedSalts.withUnsafeBytes { salts in
        // Each range writes only its own holders' 32 bytes (see forEachRange).
        nonisolated(unsafe) let output = output
        nonisolated(unsafe) let salts = salts
        Self.forEachRange(count) { range in
          for index in range {
            Self.commitment(
              account: accounts[index],
              salt: UnsafeRawBufferPointer(rebasing: salts[(32 * index)..<(32 * index + 32)]),
              into: output.baseAddress! + 32 * index)
          }
        }
      }
    }
    return commitments
  }

  /// Calls `body` with ranges that cover `0..<count`, on every core when `count` is large
  /// enough to be worth it (a million holders' hashing is most of the root's time); the
  /// ranges are disjoint, so `body` may write the parts of a buffer they index.
  private static func forEachRange(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let workers = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    guard count >= 8192, workers > 1 else { return body(0..<count) }
    let pieces = 4 * workers
    let size = (count + pieces - 1) / pieces
    DispatchQueue.concurrentPerform(iterations: pieces) { piece in
      let start = piece * size
      if start < count { body(start..<min(count, start + size)) }
    }
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

  /// The level above `level`, its nodes hashed on every core.
  private static func parents(of level: [UInt8], sums: [UInt128]) -> ([UInt8], [UInt128]) {
    let count = sums.count / 2
    var hashes = [UInt8](repeating: 0, count: 32 * count)
    var parentSums = [UInt128](repeating: 0, count: count)
    hashes.withUnsafeMutableBytes { hashes in
      parentSums.withUnsafeMutableBufferPointer { parentSums in
        level.withUnsafeBytes { level in
          // Each range writes only its own parents' hashes and sums.
          nonisolated(unsafe) let (hashes, parentSums, level) = (hashes, parentSums, level)
          forEachRange(count) { range in
            // 97 bytes of input in 104 on the stack.
            var input = (
              UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
              UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0)
            )
            withUnsafeMutableBytes(of: &input) { input in
              input[0] = 0x01
              for index in range {
                let left = 2 * index
                let right = left + 1
                (input.baseAddress! + 1).copyMemory(
                  from: level.baseAddress! + 32 * left, byteCount: 32)
                write(sums[left], into: input.baseAddress! + 33)
                (input.baseAddress! + 49).copyMemory(
                  from: level.baseAddress! + 32 * right, byteCount: 32)
                write(sums[right], into: input.baseAddress! + 81)
                let (sum, overflow) = sums[left].addingReportingOverflow(sums[right])
                precondition(!overflow, "one asset's holdings exceed 2^128 - 1")
                parentSums[index] = sum
                var hasher = SHA256()
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: input[0..<97]))
                copy(hasher.finalize(), into: hashes.baseAddress! + 32 * index)
              }
            }
          }
        }
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
    salt.withUnsafeBytes { salt in
      output.withUnsafeMutableBytes {
        commitment(account: account, salt: salt, into: $0.baseAddress!)
      }
    }
    return output
  }

  static func commitment(
    account: String, salt: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer
  ) {
    var hasher = SHA256()
    var account = account
    account.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
    hasher.update(bufferPointer: salt)
    copy(hasher.finalize(), into: output)
  }

  /// `SHA-256(0x00 ‖ commitment ‖ u128be(balance))`.
  static func leafHash(commitment: [UInt8], balance: Amount) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: 32)
    commitment.withUnsafeBytes { commitment in
      output.withUnsafeMutableBytes {
        leafHash(commitment: commitment, balance: balance.baseUnits, into: $0.baseAddress!)
      }
    }
    return output
  }

  static func leafHash(
    commitment: UnsafeRawBufferPointer, balance: UInt128, into output: UnsafeMutableRawPointer
  ) {
    var input = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    withUnsafeMutableBytes(of: &input) { bytes in
      (bytes.baseAddress! + 1).copyMemory(from: commitment.baseAddress!, byteCount: 32)
      write(balance, into: bytes.baseAddress! + 33)
      var hasher = SHA256()
      hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[0..<49]))
      copy(hasher.finalize(), into: output)
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

  static func write(_ value: UInt128, into bytes: UnsafeMutableRawPointer) {
    withUnsafeBytes(of: value.bigEndian) { bytes.copyMemory(from: $0.baseAddress!, byteCount: 16) }
  }

  private static func copy(_ digest: SHA256.Digest, into output: UnsafeMutableRawPointer) {
    digest.withUnsafeBytes { output.copyMemory(from: $0.baseAddress!, byteCount: 32) }
  }
}
