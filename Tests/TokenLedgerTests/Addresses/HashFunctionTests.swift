import Testing

@testable import TokenLedger

/// Proves the hand-written Keccak-256 and BLAKE2b against their published vectors, including
/// inputs that cross a block boundary.
@Suite struct HashFunctionTests {
  func hex(_ bytes: [UInt8]) -> String { HashChain.hex(bytes) }

  @Test func keccak256MatchesEthereumVectors() {
    #expect(
      hex(Keccak256.hash([])) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    #expect(
      hex(Keccak256.hash(Array("abc".utf8)))
        == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    // 200 bytes of 0xa3 spans two 136-byte blocks (Keccak team's long-message vector).
    #expect(
      hex(Keccak256.hash([UInt8](repeating: 0xA3, count: 200)))
        == "3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a")
    #expect(
      hex(Keccak256.hash(Array("The quick brown fox jumps over the lazy dog".utf8)))
        == "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
  }

  @Test func blake2bMatchesRFC7693() {
    #expect(
      hex(Blake2b.hash(Array("abc".utf8)))
        == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
    )
    #expect(
      hex(Blake2b.hash([]))
        == "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"
    )
    #expect(
      hex(Blake2b.hash(Array("The quick brown fox jumps over the lazy dog".utf8)))
        == "a8add4bdddfd93e4877d2746e62817b116364a1fa7bc148d95090bc7333b3673f82401cf7aa2e4cb1ecd90296e3f14cb5413f8ed77be73045b13914cdcd6a918"
    )
  }

  @Test func blake2bHandlesMultipleBlocks() {
    // 256 bytes 0x00…0xff is exactly two blocks; this is the last entry of the BLAKE2 KAT file.
    let input = (0...255).map { UInt8($0) }
    #expect(
      hex(Blake2b.hash(input)).hasPrefix(
        "1ecc896f34d3f9cac484c73f75f6a5fb58ee6784be41b35f46067b9c65c63a67"))
  }
}
