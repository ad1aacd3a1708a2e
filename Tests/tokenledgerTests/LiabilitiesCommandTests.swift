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
      "--format", "json", "--per-holder-files",
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
      // The bundle holds the same proof, taken out by its account.
      let account = try CLI.json(String(contentsOfFile: proof, encoding: .utf8))["account"]
      let extracted = try CLI.run([
        "liability-proof", "--bundle", out, "--account", account as! String,
      ])
      #expect(extracted.exitCode == 0, "\(extracted.stderr)")
      #expect(extracted.stdout == (try String(contentsOfFile: proof, encoding: .utf8)))
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

  /// A signed publication of fet-basics: its directory, root document and one proof's path.
  static func signedPublication() throws -> (directory: String, root: [String: Any], proof: String)
  {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    #expect(
      try CLI.run(["load", "--db", db, CLI.fixture("examples/fet-basics.json")]).exitCode == 0)
    #expect(try CLI.run(["checkpoint", "--new-key", directory + "/key"]).exitCode == 0)
    let published = try CLI.run([
      "liabilities", "--db", db, "--asset", "FET", "--out", directory + "/pol", "--key",
      directory + "/key", "--format", "json",
    ])
    #expect(published.exitCode == 0, "\(published.stderr)")
    // The customer's copy: its line of the bundle, taken out by its account.
    let first = try #require(
      try String(contentsOfFile: directory + "/pol/proofs.jsonl", encoding: .utf8)
        .split(separator: "\n").first)
    let account = try CLI.json(String(first))["account"] as! String
    let extracted = try CLI.run([
      "liability-proof", "--bundle", directory + "/pol", "--account", account,
    ])
    #expect(extracted.exitCode == 0, "\(extracted.stderr)")
    let proof = directory + "/proof.json"
    try extracted.stdout.write(toFile: proof, atomically: true, encoding: .utf8)
    return (directory, try CLI.json(published.stdout), proof)
  }

  static func python(_ arguments: String) throws -> Int32 {
    try CLI.shell(
      "python3 '\(CLI.repository)/tools/verify_liability.py' \(arguments) >/dev/null 2>&1")
  }

  static var pythonVerifiesSignatures: Bool {
    (try? CLI.shell("python3 -c 'import cryptography' >/dev/null 2>&1")) == 0
  }

  static func write(_ object: [String: Any], _ path: String) throws {
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
  }

  /// Against a bare root hash, a proof whose asset, decimals and entry were edited (the hash
  /// does not change) verifies only as what the hash binds: base units, no asset; both
  /// verifiers say the same. Against root.json the edit is refused.
  @Test func aBareHashBindsBaseUnitsOnlyAndSaysSo() throws {
    let (directory, root, proofPath) = try Self.signedPublication()
    let hash = root["root"] as! String
    var proof = try CLI.json(String(contentsOfFile: proofPath, encoding: .utf8))
    let original = try CLI.run(["verify-liability", proofPath, "--root", hash])
    // The same base units, read with 0 decimals: "100 FET" becomes "10^20 TAO".
    func baseUnits(_ text: String) -> String {
      let parts = text.split(separator: ".").map(String.init)
      let fraction = (parts.count > 1 ? parts[1] : "").padding(
        toLength: 18, withPad: "0", startingAt: 0)
      let digits = (parts[0] + fraction).drop { $0 == "0" }
      return digits.isEmpty ? "0" : String(digits)
    }
    proof["decimals"] = 0
    proof["asset"] = "TAO"
    proof["sequence"] = 999_999
    proof["balance"] = baseUnits(proof["balance"] as! String)
    proof["total"] = baseUnits(proof["total"] as! String)
    proof["path"] = (proof["path"] as! [[String: Any]]).map {
      ["hash": $0["hash"]!, "sum": baseUnits($0["sum"] as! String)]
    }
    let edited = directory + "/edited.json"
    try Self.write(proof, edited)
    let byHash = try CLI.run(["verify-liability", edited, "--root", hash])
    #expect(byHash.exitCode == 0, "\(byHash.stderr)")
    #expect(byHash.stdout == original.stdout)
    #expect(byHash.stdout.contains("base units") && !byHash.stdout.contains("TAO"))
    #expect(byHash.stdout.contains("binds no asset, decimals or entry"))
    let againstRoot = try CLI.run([
      "verify-liability", edited, "--root", directory + "/pol/root.json",
    ])
    #expect(againstRoot.exitCode == 1)
    #expect(againstRoot.stderr.contains("root:"), "\(againstRoot.stderr)")
    let pythonByHash = try CLI.shell(
      "python3 '\(CLI.repository)/tools/verify_liability.py' '\(edited)' \(hash)")
    #expect(pythonByHash == 0)
    _ = try CLI.shell(
      "python3 '\(CLI.repository)/tools/verify_liability.py' '\(edited)' \(hash) > '\(directory)/python.txt'"
    )
    let printed = try String(contentsOfFile: directory + "/python.txt", encoding: .utf8)
    #expect(printed == byHash.stdout)
    #expect(try Self.python("'\(edited)' '\(directory)/pol/root.json'") == 1)
  }

  /// Every field of a signed root is signed: `holders` or `depth` edited under a valid
  /// signature fails in both verifiers; a depth that is not the proof's path fails even
  /// unsigned; the Python verifier checks the Ed25519 signature itself, and refuses duplicate
  /// keys as the Swift one does.
  @Test func theSignatureCoversEveryFieldAndBothVerifiersCheckIt() throws {
    let (directory, root, proof) = try Self.signedPublication()
    let rootPath = directory + "/pol/root.json"
    let key = root["publicKey"] as! String
    #expect(root["format"] as? String == "tokenledger-liabilities/2")
    let signed = try CLI.run(["verify-liability", proof, "--root", rootPath, "--public-key", key])
    #expect(signed.exitCode == 0, "\(signed.stderr)")
    if Self.pythonVerifiesSignatures {
      #expect(try Self.python("'\(proof)' '\(rootPath)' --public-key \(key)") == 0)
    }
    let document = try CLI.json(String(contentsOfFile: rootPath, encoding: .utf8))
    for (field, value) in [
      ("holders", 1_000_000 as Any), ("depth", (document["depth"] as! Int) + 5 as Any),
    ] {
      var edited = document
      edited[field] = value
      let path = directory + "/root-\(field).json"
      try Self.write(edited, path)
      let swift = try CLI.run(["verify-liability", proof, "--root", path, "--public-key", key])
      #expect(swift.exitCode == 1, "\(field): \(swift.stdout)")
      #expect(try Self.python("'\(proof)' '\(path)' --public-key \(key)") == 1, "\(field)")
    }
    // Depth against the path, without a key.
    var deeper = document
    deeper["depth"] = (document["depth"] as! Int) + 1
    try Self.write(deeper, directory + "/root-deeper.json")
    let unsigned = try CLI.run([
      "verify-liability", proof, "--root", directory + "/root-deeper.json",
    ])
    #expect(unsigned.exitCode == 1)
    #expect(unsigned.stderr.contains("depth"), "\(unsigned.stderr)")
    #expect(try Self.python("'\(proof)' '\(directory)/root-deeper.json'") == 1)
    // A garbage signature with the right key is never "ok" in Python.
    var garbage = document
    garbage["signature"] = String(repeating: "ab", count: 64)
    try Self.write(garbage, directory + "/root-garbage.json")
    #expect(
      try Self.python("'\(proof)' '\(directory)/root-garbage.json' --public-key \(key)") == 1)
    // Duplicate keys: the first balance shown, the second checked; both verifiers refuse.
    let text = try String(contentsOfFile: proof, encoding: .utf8)
    let duplicated = text.replacingOccurrences(
      of: #""balance":"#, with: #""balance":"999999","balance":"#)
    try duplicated.write(toFile: directory + "/dup.json", atomically: true, encoding: .utf8)
    #expect(
      try CLI.run(["verify-liability", directory + "/dup.json", "--root", rootPath]).exitCode == 1)
    #expect(try Self.python("'\(directory)/dup.json' '\(rootPath)'") == 1)
    // The help says what each exit code means, as the command does.
    let help = try CLI.run(["verify-liability", "--help"])
    #expect(
      CLI.collapsed(help.stdout).contains("(`document` when a file is not a proof or a root)"))
  }

  /// Several assets at one entry: one folder per asset and a signed head.json; each proof
  /// taken out with --asset verifies against the head in Swift and in Python, and a proof of
  /// another publication, or the head under another key, does not.
  @Test func proofsOfSeveralAssetsAreTiedToOneSignedHead() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    #expect(
      try CLI.run(["load", "--db", db, CLI.fixture("subnets/alpha-stake.json")]).exitCode == 0)
    let publicKey = try CLI.run(["checkpoint", "--new-key", directory + "/key"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let otherKey = try CLI.run(["checkpoint", "--new-key", directory + "/key2"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let out = directory + "/pol"
    let published = try CLI.run([
      "liabilities", "--db", db, "--asset", "TAO", "--asset", "SN1", "--asset", "SN2",
      "--out", out, "--key", directory + "/key", "--format", "json",
    ])
    #expect(published.exitCode == 0, "\(published.stderr)")
    let head = try CLI.json(published.stdout)
    let assets = try #require(head["assets"] as? [[String: Any]])
    #expect(assets.map { $0["asset"] as? String } == ["SN1", "SN2", "TAO"])
    #expect(assets.map { $0["total"] as? String } == ["257.281283422", "90", "1360.5"])
    let customer = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
    var files: [String] = []
    for asset in ["TAO", "SN1"] {
      let taken = try CLI.run([
        "liability-proof", "--bundle", out, "--asset", asset, "--account", customer,
      ])
      #expect(taken.exitCode == 0, "\(taken.stderr)")
      let file = directory + "/\(asset).json"
      try taken.stdout.write(toFile: file, atomically: true, encoding: .utf8)
      files.append(file)
    }
    let both = try CLI.run(
      ["verify-liability"] + files + ["--head", out + "/head.json", "--public-key", publicKey])
    #expect(both.exitCode == 0, "\(both.stderr)")
    #expect(both.stdout.contains("460.5 TAO") && both.stdout.contains("all 2 proofs are of entry"))
    let wrong = try CLI.run(
      ["verify-liability"] + files + ["--head", out + "/head.json", "--public-key", otherKey])
    #expect(wrong.exitCode == 1 && wrong.stderr.contains("signature"), "\(wrong.stderr)")
    // The same customer's SN1 proof of a second publication (fresh salts) is of another tree.
    let second = directory + "/pol2"
    #expect(
      try CLI.run(["liabilities", "--db", db, "--asset", "SN1", "--out", second]).exitCode == 0)
    let foreign = try CLI.run(["liability-proof", "--bundle", second, "--account", customer])
    try foreign.stdout.write(toFile: directory + "/foreign.json", atomically: true, encoding: .utf8)
    let mixed = try CLI.run([
      "verify-liability", files[0], directory + "/foreign.json", "--head", out + "/head.json",
    ])
    #expect(mixed.exitCode == 1 && mixed.stderr.contains("foreign.json"), "\(mixed.stderr)")
    #expect(
      try CLI.run(["verify-liability", files[0], files[1], "--root", out + "/TAO/root.json"])
        .exitCode == 2)
    let python = "python3 '\(CLI.repository)/tools/verify_liability.py'"
    if try CLI.shell("python3 -c 'import cryptography' 2>/dev/null") == 0 {
      for file in files {
        #expect(
          try CLI.shell(
            "\(python) '\(file)' '\(out)/head.json' --public-key \(publicKey) >/dev/null")
            == 0)
      }
      #expect(
        try CLI.shell(
          "\(python) '\(files[0])' '\(out)/head.json' --public-key \(otherKey) >/dev/null")
          == 1)
      #expect(
        try CLI.shell("\(python) '\(directory)/foreign.json' '\(out)/head.json' >/dev/null") == 1)
    }
  }
}
