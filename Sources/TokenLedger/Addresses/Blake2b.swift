/// BLAKE2b (RFC 7693), unkeyed, with a chosen digest length. Needed for SS58 checksums
/// (BLAKE2b-512); no crypto library on this platform offers it. Tested against RFC 7693's
/// vector and the SS58 addresses of the Bittensor snapshot.
enum Blake2b {
  private static let initialVector: [UInt64] = [
    0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B, 0x3C6E_F372_FE94_F82B,
    0xA54F_F53A_5F1D_36F1, 0x510E_527F_ADE6_82D1, 0x9B05_688C_2B3E_6C1F,
    0x1F83_D9AB_FB41_BD6B, 0x5BE0_CD19_137E_2179,
  ]
  private static let sigma: [[Int]] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  ]

  static func hash(_ message: [UInt8], digestBytes: Int = 64) -> [UInt8] {
    precondition((1...64).contains(digestBytes), "BLAKE2b digests are 1 to 64 bytes")
    var state = initialVector
    state[0] ^= 0x0101_0000 ^ UInt64(digestBytes)
    var offset = 0
    var counter: UInt64 = 0
    repeat {
      let end = min(offset + 128, message.count)
      var block = [UInt8](repeating: 0, count: 128)
      block.replaceSubrange(0..<(end - offset), with: message[offset..<end])
      counter += UInt64(end - offset)
      let isLast = end == message.count
      compress(&state, block: block, counter: counter, isLast: isLast)
      offset = end
    } while offset < message.count
    var output: [UInt8] = []
    for word in state {
      for byte in 0..<8 { output.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(byte)))) }
    }
    return Array(output.prefix(digestBytes))
  }

  private static func rotateRight(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value >> count) | (value << (64 - count))
  }

  private static func compress(
    _ state: inout [UInt64], block: [UInt8], counter: UInt64, isLast: Bool
  ) {
    var words = [UInt64](repeating: 0, count: 16)
    for index in 0..<16 {
      for byte in 0..<8 { words[index] |= UInt64(block[index * 8 + byte]) << (8 * UInt64(byte)) }
    }
    var work = state + initialVector
    work[12] ^= counter
    if isLast { work[14] = ~work[14] }
    func mix(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
      work[a] = work[a] &+ work[b] &+ x
      work[d] = rotateRight(work[d] ^ work[a], 32)
      work[c] = work[c] &+ work[d]
      work[b] = rotateRight(work[b] ^ work[c], 24)
      work[a] = work[a] &+ work[b] &+ y
      work[d] = rotateRight(work[d] ^ work[a], 16)
      work[c] = work[c] &+ work[d]
      work[b] = rotateRight(work[b] ^ work[c], 63)
    }
    for round in 0..<12 {
      let s = sigma[round % 10]
      mix(0, 4, 8, 12, words[s[0]], words[s[1]])
      mix(1, 5, 9, 13, words[s[2]], words[s[3]])
      mix(2, 6, 10, 14, words[s[4]], words[s[5]])
      mix(3, 7, 11, 15, words[s[6]], words[s[7]])
      mix(0, 5, 10, 15, words[s[8]], words[s[9]])
      mix(1, 6, 11, 12, words[s[10]], words[s[11]])
      mix(2, 7, 8, 13, words[s[12]], words[s[13]])
      mix(3, 4, 9, 14, words[s[14]], words[s[15]])
    }
    for index in 0..<8 { state[index] ^= work[index] ^ work[index + 8] }
  }
}
