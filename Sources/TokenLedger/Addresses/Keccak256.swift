/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not SHA3-256's (0x06).
/// Needed for EIP-55 checksums; no crypto library on this platform offers it. Tested against
/// the published vectors in `Tests/TokenLedgerTests/Addresses/Keccak256Tests.swift`.
enum Keccak256 {
  private static let roundConstants: [UInt64] = [
    0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A,
    0x8000_0000_8000_8000, 0x0000_0000_0000_808B, 0x0000_0000_8000_0001,
    0x8000_0000_8000_8081, 0x8000_0000_0000_8009, 0x0000_0000_0000_008A,
    0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
    0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089,
    0x8000_0000_0000_8003, 0x8000_0000_0000_8002, 0x8000_0000_0000_0080,
    0x0000_0000_0000_800A, 0x8000_0000_8000_000A, 0x8000_0000_8000_8081,
    0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
  ]
  private static let rotations: [UInt64] = [
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
  ]
  private static let rateBytes = 136

  static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
    var state = [UInt64](repeating: 0, count: 25)
    var padded = Array(message)
    padded.append(0x01)
    while padded.count % rateBytes != 0 { padded.append(0) }
    padded[padded.count - 1] |= 0x80
    for blockStart in stride(from: 0, to: padded.count, by: rateBytes) {
      for lane in 0..<(rateBytes / 8) {
        var word: UInt64 = 0
        for byte in 0..<8 {
          word |= UInt64(padded[blockStart + lane * 8 + byte]) << (8 * UInt64(byte))
        }
        state[lane] ^= word
      }
      permute(&state)
    }
    var output: [UInt8] = []
    output.reserveCapacity(32)
    for lane in 0..<4 {
      for byte in 0..<8 {
        output.append(UInt8(truncatingIfNeeded: state[lane] >> (8 * UInt64(byte))))
      }
    }
    return output
  }

  private static func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
    count == 0 ? value : (value << count) | (value >> (64 - count))
  }

  private static func permute(_ state: inout [UInt64]) {
    var column = [UInt64](repeating: 0, count: 5)
    var scratch = [UInt64](repeating: 0, count: 25)
    for round in 0..<24 {
      for x in 0..<5 {
        column[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20]
      }
      for x in 0..<5 {
        let delta = column[(x + 4) % 5] ^ rotateLeft(column[(x + 1) % 5], 1)
        for y in stride(from: 0, to: 25, by: 5) { state[y + x] ^= delta }
      }
      for x in 0..<5 {
        for y in 0..<5 {
          let index = x + 5 * y
          scratch[y + 5 * ((2 * x + 3 * y) % 5)] = rotateLeft(state[index], rotations[index])
        }
      }
      for y in stride(from: 0, to: 25, by: 5) {
        for x in 0..<5 {
          state[y + x] = scratch[y + x] ^ (~scratch[y + (x + 1) % 5] & scratch[y + (x + 2) % 5])
        }
      }
      state[0] ^= roundConstants[round]
    }
  }
}
