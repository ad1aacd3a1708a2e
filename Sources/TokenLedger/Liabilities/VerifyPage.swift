import Crypto

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `verify.html`, written beside `root.json` (public): a self-contained page on which a customer
/// checks its proof in the browser exactly as `verify-liability` and `tools/verify_liability.py`
/// do — the leaf from the account, salt and balance (SHA-256 by WebCrypto), every level of the
/// path with sums below 2^128, the root's hash and total, and, given the custodian's public key,
/// the root's Ed25519 signature — naming the level that fails. No network, no external script:
/// a Content-Security-Policy allows only the page's own script and style, by their hashes. A
/// proof and root may also come in the URL's fragment (`#proof=…&root=…&key=…`, base64url),
/// which never leaves the browser.
enum VerifyPage {
  static let script = #"""
    "use strict";
    const MAX = 1n << 128n;
    const te = new TextEncoder();
    class Fail extends Error {}
    function fail(m) { throw new Fail(m); }
    function concat(parts) {
      const n = parts.reduce((a, p) => a + p.length, 0), out = new Uint8Array(n);
      let o = 0; for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    }
    async function H(...parts) { return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(parts))); }
    function u128(n) { const b = new Uint8Array(16); for (let i = 15; i >= 0; i--) { b[i] = Number(n & 0xffn); n >>= 8n; } return b; }
    function hex(b) { return Array.from(b, x => x.toString(16).padStart(2, "0")).join(""); }
    function hexbytes(t, size, where, what) {
      if (typeof t !== "string" || !new RegExp("^[0-9a-fA-F]{" + 2 * size + "}$").test(t)) fail(where + ": " + what + " is not " + size + " bytes of hex");
      const b = new Uint8Array(size); for (let i = 0; i < size; i++) b[i] = parseInt(t.substr(2 * i, 2), 16); return b;
    }
    function amount(t, dec, where, what) {
      const m = typeof t === "string" ? /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(t) : null;
      if (!m || (m[2] || "").length > dec) fail(where + ": " + what + " is not an amount");
      const n = BigInt(m[1] + (m[2] || "").padEnd(dec, "0"));
      if (n >= MAX) fail(where + ": " + what + " overflows 128 bits");
      return n;
    }
    // JSON.parse keeps the last of duplicate keys: refuse a document that says two things.
    function parseStrict(text, name) {
      let i = 0; const s = text;
      const ws = () => { while (i < s.length && " \t\n\r".includes(s[i])) i++; };
      const str = () => { const start = i++; while (i < s.length && s[i] !== '"') i += s[i] === "\\" ? 2 : 1; i++; return JSON.parse(s.slice(start, i)); };
      function value() {
        ws();
        if (s[i] === "{") {
          i++; const keys = new Set(); ws();
          if (s[i] === "}") { i++; return; }
          for (;;) { ws(); const k = str(); if (keys.has(k)) fail(name + ": duplicate key " + JSON.stringify(k)); keys.add(k); ws(); i++; value(); ws(); if (s[i++] === "}") return; }
        } else if (s[i] === "[") {
          i++; ws(); if (s[i] === "]") { i++; return; }
          for (;;) { value(); ws(); if (s[i++] === "]") return; }
        } else if (s[i] === '"') { str(); } else { while (i < s.length && !",]} \t\n\r".includes(s[i])) i++; }
      }
      let parsed;
      try { parsed = JSON.parse(text); } catch (e) { fail(name + ": not JSON (" + e.message + ")"); }
      value();
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail(name + ": not an object");
      return parsed;
    }
    function signedMessage(root) {
      let f = ["format", "asset", "sequence", "headHash", "total", "root"];
      if (root.format !== "tokenledger-liabilities/1") f = ["format", "asset", "decimals", "sequence", "headHash", "holders", "depth", "total", "root"];
      return te.encode(f.map(k => String(root[k])).join("\n"));
    }
    const HEAD = "tokenledger-liabilities-head/1";
    function headMessage(h) {
      const lines = [HEAD, String(h.sequence), String(h.headHash)];
      for (const a of h.assets) lines.push(["asset", "decimals", "holders", "depth", "total", "root"].map(k => String(a[k])).join(" "));
      return te.encode(lines.join("\n"));
    }
    // A head lists several assets' roots at one entry; the proof's asset picks its root.
    function rootFromHead(h, proof) {
      if (!Array.isArray(h.assets) || h.assets.some(a => typeof a !== "object" || a === null || typeof a.asset !== "string")) fail("root: the head's assets are not a list of roots");
      const names = h.assets.map(a => a.asset);
      for (let i = 1; i < names.length; i++) if (!(names[i - 1] < names[i])) fail("root: the head's assets are not distinct and sorted");
      const a = h.assets.find(a => a.asset === proof.asset);
      if (!a) fail("root: the head lists no root of " + proof.asset);
      return { format: "tokenledger-liabilities/2", asset: a.asset, decimals: a.decimals, sequence: h.sequence, headHash: h.headHash, holders: a.holders, depth: a.depth, total: a.total, root: a.root };
    }
    async function checkSignature(doc, message, key, what, say) {
      if (!key) { if (doc.signature) say("signature: present but not checked (no public key given)"); return; }
      if (!doc.signature || !doc.publicKey) fail("signature: the " + what + " is not signed");
      if (key.toLowerCase() !== String(doc.publicKey).toLowerCase()) fail("signature: signed by " + doc.publicKey + ", not by the key given");
      let ok = false;
      try {
        const k = await crypto.subtle.importKey("raw", hexbytes(key, 32, "signature", "public key"), { name: "Ed25519" }, false, ["verify"]);
        ok = await crypto.subtle.verify({ name: "Ed25519" }, k, hexbytes(doc.signature, 64, "signature", "signature"), message);
      } catch (e) { if (e instanceof Fail) throw e; fail("signature: not checked: this browser has no Ed25519 (" + e.message + ")"); }
      if (!ok) fail("signature: the signature does not verify");
      say("signature: the " + what + " is signed by " + key);
    }
    async function verify(proofText, rootText, key, say) {
      const proof = parseStrict(proofText, "proof");
      let root = parseStrict(rootText, "root"), head = null;
      if (proof.format !== "tokenledger-liability-proof/1") fail("proof: wrong format");
      if (root.format === HEAD) {
        head = root; root = rootFromHead(head, proof);
        say("the head lists " + head.assets.length + " assets' roots at entry " + head.sequence + "; this proof's is " + root.asset + "'s");
      }
      if (!["tokenledger-liabilities/2", "tokenledger-liabilities/1"].includes(root.format)) fail("root: wrong format");
      for (const k of ["asset", "decimals", "sequence"]) if (proof[k] !== root[k]) fail("root: " + k + " differs from the proof's");
      if (!Number.isInteger(root.depth) || root.depth !== (Array.isArray(proof.path) ? proof.path.length : -1)) fail("root: depth differs from the proof's path");
      say("the proof is of the root's publication: " + root.asset + ", entry " + root.sequence + ", depth " + root.depth);
      const dec = proof.decimals;
      if (!Number.isInteger(dec) || dec < 0) fail("proof: decimals is not a non-negative integer");
      if (typeof proof.account !== "string") fail("leaf: account is not a string");
      const balance = amount(proof.balance, dec, "leaf", "balance"), salt = hexbytes(proof.salt, 32, "leaf", "salt");
      const index = proof.index;
      if (!Number.isInteger(index) || index < 0 || index >= 2 ** proof.path.length) fail("leaf: index out of range");
      const commitment = await H(te.encode(proof.account), new Uint8Array([0]), salt);
      let node = await H(new Uint8Array([0]), commitment, u128(balance)), total = balance;
      say("leaf: " + proof.account + " holds " + proof.balance + " " + root.asset);
      for (let k = 0; k < proof.path.length; k++) {
        const sib = proof.path[k];
        if (typeof sib !== "object" || sib === null) fail("level " + k + ": sibling is not an object");
        const sh = hexbytes(sib.hash, 32, "level " + k, "hash"), ss = amount(sib.sum, dec, "level " + k, "sum");
        const right = Math.floor(index / 2 ** k) % 2 === 1;
        node = right ? await H(new Uint8Array([1]), sh, u128(ss), node, u128(total)) : await H(new Uint8Array([1]), node, u128(total), sh, u128(ss));
        total += ss;
        if (total >= MAX) fail("level " + k + ": sum overflows 128 bits");
      }
      say("path: " + proof.path.length + " levels folded, every sum below 2^128");
      for (const [doc, name] of [[root, "root"], [proof, "proof's root"]]) {
        if (hex(node) !== hex(hexbytes(doc.root, 32, "top", name))) fail("top: hash differs from the " + name);
        if (total !== amount(doc.total, dec, "top", name + " total")) fail("top: sum differs from the " + name + " total");
      }
      say("top: the path reaches root " + root.root + " and its total " + root.total + " " + root.asset);
      if (head) await checkSignature(head, headMessage(head), key, "head", say);
      else await checkSignature(root, signedMessage(root), key, "root", say);
      return proof.account + " holds " + proof.balance + " " + root.asset + ", included in a total of " + root.total + " at entry " + root.sequence;
    }
    async function run() {
      const out = document.getElementById("checks"), verdict = document.getElementById("verdict");
      out.textContent = ""; verdict.textContent = "checking…"; verdict.dataset.ok = "";
      const say = t => { const li = document.createElement("li"); li.textContent = "✓ " + t; out.appendChild(li); };
      try {
        const text = await verify(document.getElementById("proof").value, document.getElementById("root").value, document.getElementById("key").value.trim(), say);
        verdict.textContent = "OK: " + text; verdict.dataset.ok = "true";
      } catch (e) {
        const li = document.createElement("li"); li.textContent = "✗ " + (e instanceof Fail ? e.message : "error: " + e); out.appendChild(li);
        verdict.textContent = "NOT VERIFIED: " + (e instanceof Fail ? e.message : String(e)); verdict.dataset.ok = "false";
      }
    }
    function fromFragment() {
      const p = new URLSearchParams(location.hash.slice(1));
      const b64 = t => new TextDecoder().decode(Uint8Array.from(atob(t.replace(/-/g, "+").replace(/_/g, "/")), c => c.charCodeAt(0)));
      if (p.get("proof")) document.getElementById("proof").value = b64(p.get("proof"));
      if (p.get("root")) document.getElementById("root").value = b64(p.get("root"));
      if (p.get("key")) document.getElementById("key").value = p.get("key");
      return p.get("proof") && p.get("root");
    }
    for (const [input, area] of [["proofFile", "proof"], ["rootFile", "root"]]) {
      document.getElementById(input).addEventListener("change", async e => { const f = e.target.files[0]; if (f) document.getElementById(area).value = await f.text(); });
    }
    document.getElementById("go").addEventListener("click", run);
    if (fromFragment()) run();
    """#

  static let style = #"""
    body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;background:#fff}
    h1{font-size:1.4rem}textarea{width:100%;height:9rem;font:12px ui-monospace,monospace}input[type=text]{width:100%;font:12px ui-monospace,monospace}
    label{display:block;margin-top:1rem;font-weight:600}button{margin-top:1rem;font-size:1rem;padding:.4rem 1.2rem}
    #verdict{margin-top:1rem;font-weight:700}#verdict[data-ok=true]{color:#116329}#verdict[data-ok=false]{color:#a40e26}
    ul{padding-left:1.2rem}li{margin:.2rem 0;font-family:ui-monospace,monospace;font-size:13px}p.note{color:#57606a;font-size:13px}
    @media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}p.note{color:#8b949e}}
    """#

  /// The page.
  static var html: String {
    func hash(_ text: String) -> String {
      "'sha256-" + Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString() + "'"
    }
    let policy =
      "default-src 'none'; script-src \(hash(script)); style-src \(hash(style)); "
      + "img-src 'none'; form-action 'none'; base-uri 'none'"
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="\(policy)">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Check your proof of liabilities</title>
      <style>\(style)</style>
      </head>
      <body>
      <h1>Check that your balance is counted</h1>
      <p class="note">Everything happens in this page: nothing is sent anywhere. Paste (or pick) the \
      proof your custodian sent you and the published <code>root.json</code> (or <code>head.json</code> \
      when it published several assets at once); give the custodian's published public key to \
      check the signature too.</p>
      <label for="proof">Your proof</label>
      <input id="proofFile" type="file" accept=".json,application/json">
      <textarea id="proof" spellcheck="false"></textarea>
      <label for="root">The published root.json or head.json</label>
      <input id="rootFile" type="file" accept=".json,application/json">
      <textarea id="root" spellcheck="false"></textarea>
      <label for="key">The custodian's public key (hex, optional)</label>
      <input id="key" type="text" spellcheck="false">
      <button id="go" type="button">Verify</button>
      <p id="verdict" data-ok=""></p>
      <ul id="checks"></ul>
      <p class="note">Also check that your account and balance are yours at the publication's \
      date, and that the root is the one everybody else sees (the custodian's site, a signed \
      statement, a public chain).</p>
      <script>\(script)</script>
      </body>
      </html>

      """
  }
}
