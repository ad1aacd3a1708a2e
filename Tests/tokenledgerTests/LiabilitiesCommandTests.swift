import Foundation
import Testing

/// `liabilities` publishes a root and one proof per holder; `verify-liability` and the
/// independent Python verifier (`tools/verify_liability.py`, standard library only) accept
/// every proof and refuse a tampered one: two implementations of one format.
@Suite struct LiabilitiesCommandTests {
  @Test func publishedProofsVerifyInSwiftAndInPython() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    #expect(
      try CLI.run(["load", "--db", db, CLI.fixture("examples/fet-basics.json")]).exitCode == 0)
    #expect(try CLI.run(["checkpoint", "--new-key", directory + "/key"]).exitCode == 0)
    let publicKey = try CLI.run(["checkpoint", "--new-key", directory + "/key2"]).stdout
    let out = directory + "/pol"
    let published = try CLI.run([
      "liabilities", "--db", db, "--asset", "FET", "--out", out, "--key", directory + "/key",
      "--format", "json",
    ])
    #expect(published.exitCode == 0, "\(published.stderr)")
    let root = try CLI.json(published.stdout)
    #expect(root["total"] as? String == "1000")
    #expect(root["holders"] as? Int == 3)
    let proofs = try FileManager.default.contentsOfDirectory(atPath: out + "/proofs")
    #expect(proofs.count == 3)
    let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    for name in proofs {
      let proof = out + "/proofs/" + name
      let swift = try CLI.run(["verify-liability", proof, "--root", out + "/root.json"])
      #expect(swift.exitCode == 0, "\(swift.stderr)")
      #expect(swift.stdout.hasPrefix("ok: 0x"))
      let byHash = try CLI.run(["verify-liability", proof, "--root", root["root"] as! String])
      #expect(byHash.exitCode == 0)
      if python {
        #expect(
          try CLI.shell(
            "python3 '\(CLI.repository)/tools/verify_liability.py' '\(proof)' '\(out)/root.json' >/dev/null"
          ) == 0)
      }
    }
    let signed = try CLI.run([
      "verify-liability", out + "/proofs/" + proofs[0], "--root", out + "/root.json",
      "--public-key", root["publicKey"] as! String,
    ])
    #expect(signed.exitCode == 0, "\(signed.stderr)")
    let wrongKey = try CLI.run([
      "verify-liability", out + "/proofs/" + proofs[0], "--root", out + "/root.json",
      "--public-key", publicKey.trimmingCharacters(in: .whitespacesAndNewlines),
    ])
    #expect(wrongKey.exitCode == 1)
    #expect(wrongKey.stderr.contains("signature"))
    // One base unit more for a customer: both verifiers refuse it, naming the top.
    let tampered = directory + "/tampered.json"
    var proof = try CLI.json(String(contentsOfFile: out + "/proofs/" + proofs[0], encoding: .utf8))
    let parts = (proof["balance"] as! String).split(separator: ".").map(String.init)
    let fraction = (parts.count > 1 ? parts[1] : "").padding(
      toLength: 17, withPad: "0", startingAt: 0)
    proof["balance"] = parts[0] + "." + fraction + "1"  // 18 decimals: one base unit more
    try JSONSerialization.data(withJSONObject: proof).write(to: URL(fileURLWithPath: tampered))
    let refused = try CLI.run(["verify-liability", tampered, "--root", out + "/root.json"])
    #expect(refused.exitCode == 1, "\(refused.stderr)")
    #expect(refused.stderr.contains("top: hash differs"), "\(refused.stderr)")
    if python {
      #expect(
        try CLI.shell(
          "python3 '\(CLI.repository)/tools/verify_liability.py' '\(tampered)' '\(out)/root.json' >/dev/null"
        ) == 1)
    }
    let again = try CLI.run(["liabilities", "--db", db, "--asset", "FET", "--out", out])
    #expect(again.exitCode == 2, "a publication is never overwritten")
    // A folder that holds another publication's proofs is refused before anything is written.
    let mixed = directory + "/mixed"
    try FileManager.default.createDirectory(
      atPath: mixed + "/proofs", withIntermediateDirectories: true)
    try "{}".write(toFile: mixed + "/proofs/old.json", atomically: true, encoding: .utf8)
    let refusedMix = try CLI.run(["liabilities", "--db", db, "--asset", "FET", "--out", mixed])
    #expect(refusedMix.exitCode == 2)
    #expect(try FileManager.default.contentsOfDirectory(atPath: mixed + "/proofs") == ["old.json"])
    // A document that is not a proof does not verify: exit 1 (the contract's "otherwise 1").
    try "{\"format\":\"x\"}".write(
      toFile: directory + "/junk.json", atomically: true, encoding: .utf8)
    let junk = try CLI.run([
      "verify-liability", directory + "/junk.json", "--root", out + "/root.json",
    ])
    #expect(junk.exitCode == 1, "\(junk.stderr)")
  }
}
