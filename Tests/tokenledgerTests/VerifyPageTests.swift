import Foundation
import Testing

/// `verify.html`, written with every publication, checks a proof in the browser as the two
/// other verifiers do: rendered in headless Chromium (Debian `chromium`) with a valid proof,
/// each kind of tampering and a wrong key, it says OK only for the valid one and names the
/// level that fails otherwise. It fetches nothing and runs only its own script (a CSP by hash).
@Suite struct VerifyPageTests {
  /// The page's verdict and checks for a proof text, root text and key, as Chromium renders it.
  static func verdict(
    _ chromium: String, page: String, proof: String, root: String, key: String
  ) throws -> (ok: Bool, text: String) {
    func base64url(_ text: String) -> String {
      Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
    let fragment = "proof=\(base64url(proof))&root=\(base64url(root))&key=\(key)"
    let dom = page + ".\(UUID().uuidString).dom"
    let flags = "--headless --no-sandbox --disable-gpu --no-first-run --virtual-time-budget=10000"
    _ = try CLI.shell(
      "\(chromium) \(flags) --dump-dom 'file://\(page)#\(fragment)' > \(dom) 2>/dev/null")
    let html = try String(contentsOfFile: dom, encoding: .utf8)
    let verdict =
      html.components(separatedBy: #"<p id="verdict""#).dropFirst().first?
      .components(separatedBy: "</p>").first ?? ""
    return (verdict.contains(#"data-ok="true""#), verdict)
  }

  @Test func thePageVerifiesAValidProofAndNamesWhereATamperedOneFails() throws {
    let (directory, root, proofPath) = try LiabilitiesCommandTests.signedPublication()
    let page = directory + "/pol/verify.html"
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains(#"http-equiv="Content-Security-Policy""#))
    #expect(html.contains("default-src 'none'") && html.contains("script-src 'sha256-"))
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="))
    guard let chromium = ReportCommandTests.chromium else {
      print("skipped rendering: no chromium here (Debian: apt-get install chromium)")
      return
    }
    let proof = try String(contentsOfFile: proofPath, encoding: .utf8)
    let rootText = try String(contentsOfFile: directory + "/pol/root.json", encoding: .utf8)
    let key = root["publicKey"] as! String
    let valid = try Self.verdict(chromium, page: page, proof: proof, root: rootText, key: key)
    #expect(valid.ok, "\(valid.text)")
    #expect(valid.text.contains("OK: "))
    let document = try CLI.json(proof)
    let balance = document["balance"] as! String
    var path = document["path"] as! [[String: Any]]
    func edited(_ change: (inout [String: Any]) -> Void) throws -> String {
      var copy = document
      change(&copy)
      return String(decoding: try JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
    }
    let otherKey = String(repeating: "ab", count: 32)
    let cases: [(String, String, String, String)] = [
      ("balance", try edited { $0["balance"] = balance + "1" }, key, "top: hash differs"),
      (
        "salt", try edited { $0["salt"] = String(repeating: "0", count: 64) }, key,
        "top: hash differs"
      ),
      (
        "sibling sum",
        try edited {
          path[0]["sum"] = "340282366920938463463.374607431768211456"
          $0["path"] = path
        }, key, "level 0"
      ),
      (
        "account", try edited { $0["account"] = "0x0000000000000000000000000000000000000001" }, key,
        "top: hash differs"
      ),
      ("wrong key", proof, otherKey, "signature"),
      (
        "duplicate key",
        proof.replacingOccurrences(of: "{\"account\"", with: "{\"balance\":\"1\",\"account\""), key,
        "duplicate key"
      ),
    ]
    for (name, tampered, givenKey, failure) in cases {
      let result = try Self.verdict(
        chromium, page: page, proof: tampered, root: rootText, key: givenKey)
      #expect(!result.ok, "\(name): \(result.text)")
      #expect(result.text.contains(failure), "\(name): \(result.text)")
    }
    // A screenshot of the page with its verdict, as a customer sees it.
    let png = directory + "/verify.png"
    #expect(
      try CLI.shell(
        "\(chromium) --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars --virtual-time-budget=10000 --window-size=900,1100 --screenshot=\(png) 'file://\(page)' >/dev/null 2>&1"
      ) == 0)
    let image = try Data(contentsOf: URL(fileURLWithPath: png))
    #expect(Array(image.prefix(4)) == [0x89, 0x50, 0x4E, 0x47] && image.count > 10_000)
  }

  /// Given a head.json of several assets, the page checks the proof against its asset's root
  /// there and the head's signature; a head whose root was changed, or another key, fails.
  @Test func thePageChecksAProofAgainstASignedHeadOfSeveralAssets() throws {
    let directory = try CLI.temporaryDirectory()
    let db = directory + "/l.sqlite"
    #expect(
      try CLI.run(["load", "--db", db, CLI.fixture("subnets/alpha-stake.json")]).exitCode == 0)
    let key = try CLI.run(["checkpoint", "--new-key", directory + "/key"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let out = directory + "/pol"
    #expect(
      try CLI.run([
        "liabilities", "--db", db, "--asset", "TAO", "--asset", "SN1", "--out", out, "--key",
        directory + "/key",
      ]).exitCode == 0)
    guard let chromium = ReportCommandTests.chromium else {
      print("skipped rendering: no chromium here (Debian: apt-get install chromium)")
      return
    }
    let proof = try CLI.run([
      "liability-proof", "--bundle", out, "--asset", "SN1", "--account",
      "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
    ]).stdout
    let head = try String(contentsOfFile: out + "/head.json", encoding: .utf8)
    let page = out + "/SN1/verify.html"
    let valid = try Self.verdict(chromium, page: page, proof: proof, root: head, key: key)
    #expect(valid.ok && valid.text.contains("105.481283422"), "\(valid.text)")
    let changed = head.replacingOccurrences(
      of: "\"total\":\"257.281283422\"", with: "\"total\":\"257.281283423\"")
    #expect(changed != head)
    let forged = try Self.verdict(chromium, page: page, proof: proof, root: changed, key: key)
    #expect(!forged.ok && forged.text.contains("top: sum differs"), "\(forged.text)")
    let wrong = try Self.verdict(
      chromium, page: page, proof: proof, root: head, key: String(repeating: "cd", count: 32))
    #expect(!wrong.ok && wrong.text.contains("signature"), "\(wrong.text)")
  }
}
