import ArgumentParser
import TokenLedger

struct Liabilities: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Publish a proof of liabilities: a Merkle-sum root and every holder's proof.",
    discussion: """
      Writes DIR/root.json (the total owed in the asset, tied to the journal's head hash at \
      the sequence, signed with the checkpoint key given by --key; public), DIR/verify.html \
      (public: a page on which a customer checks its proof in a browser) and the bundle of \
      proofs, the custodian's own: DIR/proofs.jsonl (one proof a line, in leaf order) and \
      DIR/proofs.index (account hash to line). `tokenledger liability-proof --bundle DIR \
      --account A` takes out one customer's proof to hand it over; --per-holder-files also \
      writes DIR/proofs/<sha256 of the account>.json, one per holder. Salts are fresh for \
      every publication. Each customer checks its proof alone with \
      `tokenledger verify-liability` or tools/verify_liability.py.

      With --asset given more than once (an alpha of a subnet is an asset of its own), every \
      asset is read at the same entry: each gets its own publication in DIR/<asset>/ (the \
      files above) and DIR/head.json lists every root with the entry and its hash, signed \
      with --key, so a customer's proofs of several assets are of one state of the ledger \
      (`tokenledger verify-liability P1 P2 --head DIR/head.json`).

      Examples:
        tokenledger liabilities --asset FET --out pol-2026-12
        tokenledger liabilities --asset TAO --asset SN1 --out pol --key checkpoint.key
        tokenledger liabilities --asset FET --at 1200 --out pol --key checkpoint.key
        tokenledger liability-proof --bundle pol-2026-12 --account fetch1... > proof.json
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "The asset; more than once for one publication per asset under one head.")
  var asset: [String]

  @Option(help: "The state after entry SEQ (default: now).")
  var at: Int64?

  @Option(help: "The directory to write (must not hold a publication).")
  var out: String

  @Option(help: "A private key file (see `tokenledger checkpoint --new-key`) to sign the root.")
  var key: String?

  @Flag(help: "Also write one proof file per holder in DIR/proofs/ (the former layout).")
  var perHolderFiles = false

  func run() throws {
    try runReporting(global.format, "liabilities") {
      let ledger = try global.openExisting(readOnly: true)
      let privateKey = try key.map {
        String(decoding: try readFile($0), as: UTF8.self).filter { !$0.isWhitespace }
      }
      guard asset.count > 1 else {
        guard let symbol = asset.first else { throw UsageError("liabilities needs --asset") }
        let publication = try ledger.liabilities(asset: symbol, at: at, privateKey: privateKey)
        try write(publication.root.holders) {
          try publication.write(to: out, perHolderFiles: perHolderFiles, progress: $0)
        }
        if global.format == .json {
          Output.json(publication.root.jsonObject)
        } else {
          table([publication.root])
          Output.line(
            "written to \(out)/root.json and \(out)/verify.html (public), and \(publication.root.holders) proofs"
              + " in \(out)/proofs.jsonl (index \(out)/proofs.index)"
              + (perHolderFiles ? " and \(out)/proofs/" : ""))
        }
        return 0
      }
      let published = try ledger.liabilities(assets: asset, at: at, privateKey: privateKey)
      let roots = published.publications.map(\.root)
      try write(roots.reduce(0) { $0 + $1.holders }) {
        try published.write(to: out, perHolderFiles: perHolderFiles, progress: $0)
      }
      if global.format == .json {
        Output.json(published.head.jsonObject)
      } else {
        table(roots)
        Output.line(
          "written to \(out)/head.json (public, every root at entry \(published.head.sequence),"
            + " head \(published.head.headHash)) and one publication per asset in "
            + roots.map { "\(out)/\(LiabilityHeadPublication.folderName(asset: $0.asset))/" }
            .joined(separator: ", "))
      }
      return 0
    }
  }

  private func write(_ holders: Int, _ body: ((Int) -> Void) throws -> Void) throws {
    let meter = Progress.Meter("liabilities", total: holders, unit: "proofs")
    try body { meter.update($0) }
    meter.finish()
  }

  private func table(_ roots: [LiabilityRoot]) {
    Output.table(
      ["asset", "sequence", "holders", "depth", "total", "root"],
      roots.map { root in
        [
          root.asset, String(root.sequence), String(root.holders), String(root.depth),
          root.total.formatted(decimals: root.decimals),
          root.jsonObject["root"]?.stringValue ?? "",
        ]
      })
  }
}

struct LiabilityProofCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "liability-proof",
    abstract: "Take one customer's proof out of a publication's bundle; needs no ledger.",
    discussion: """
      Prints the proof of --account (its canonical form, as the ledger names it: EIP-55 for \
      evm, lower-case bech32) from DIR/proofs.jsonl, found through DIR/proofs.index by binary \
      search (memory stays small whatever the bundle's size). Exit 0 with the proof document \
      on stdout; 1 when the bundle holds no proof for the account; 2 for a bundle whose index \
      and proofs disagree; 3 when a file cannot be read. With --asset, DIR is a publication \
      of several assets (holding head.json) and the proof is taken from that asset's folder.

      Examples:
        tokenledger liability-proof --bundle pol-2026-12 --account 0x5aAe...eAed > proof.json
        tokenledger verify-liability proof.json --root pol-2026-12/root.json
        tokenledger liability-proof --bundle pol --asset SN1 --account 5F3s... > sn1.json
      """)

  @Option(help: "The publication's directory (holding proofs.jsonl and proofs.index).")
  var bundle: String

  @Option(help: "The asset, when DIR holds several assets' publications under head.json.")
  var asset: String?

  @Option(help: "The account, in its canonical form.")
  var account: String

  func run() throws {
    try runReporting(.table, "liability-proof") {
      let folder = asset.map { bundle + "/" + LiabilityHeadPublication.folderName(asset: $0) }
      guard let proof = try LiabilityBundle.proof(inBundle: folder ?? bundle, account: account)
      else {
        Output.error(
          "liability-proof: no proof for \(account) in \(folder ?? bundle) (it holds nothing at that entry, or is not in its canonical form)"
        )
        return 1
      }
      Output.line(proof.canonicalText)
      return 0
    }
  }
}

struct VerifyLiability: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify-liability",
    abstract: "Check one proof of liabilities against its published root; needs no ledger.",
    discussion: """
      Exit 0 when the proof's leaf, folded with its path, gives the root's hash and total \
      (and every sum fits in 128 bits); 1 naming the first level that fails (`document` when \
      a file is not a proof or a root); 2 for a usage error (--public-key with a bare hash); \
      3 when a file cannot be read.

      Against root.json the proof's asset, decimals, entry and total must be the root's, so \
      the balance is shown in the asset's units. Against a bare root hash only the account, \
      the balance in base units and the total in base units are bound (the hash commits to \
      nothing else): the result says so, in base units, and the asset, decimals and entry \
      are to be checked against the published root.json.

      Against a head.json (--head: several assets' roots at one entry, one signature) each \
      proof given is checked against its asset's root in the head, and every proof must be of \
      the head's entry: proofs of several assets are then of one state of the ledger.

      Examples:
        tokenledger verify-liability proofs/3f...9a.json --root root.json
        tokenledger verify-liability proof.json --root 5e1c...d0
        tokenledger verify-liability proof.json --root root.json --public-key 8a4f...
        tokenledger verify-liability tao.json sn1.json --head pol/head.json --public-key 8a4f...
      """)

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Argument(help: "The proof file (several with --head).")
  var proofs: [String]

  @Option(help: "The published root.json, or the root hash in hex.")
  var root: String?

  @Option(help: "The published head.json of several assets' roots (instead of --root).")
  var head: String?

  @Option(help: "The Ed25519 public key (hex) trusted to have signed root.json or head.json.")
  var publicKey: String?

  func validate() throws {
    guard (root == nil) != (head == nil) else {
      throw ValidationError("give either --root or --head")
    }
    guard !proofs.isEmpty, head != nil || proofs.count == 1 else {
      throw ValidationError("--root checks one proof; several need --head")
    }
  }

  func run() throws {
    try runReporting(format, "verify-liability") {
      if let head { return try verifyAll(head: head) }
      let root = self.root ?? ""
      let proof: LiabilityProof
      do {
        proof = try LiabilityProof(json: try readFile(proofs[0]))
        if root.count == 64, root.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "/") }),
          let hash = hexBytes(root)
        {
          guard publicKey == nil else {
            throw UsageError("--public-key needs --root to name a root.json, not a hash")
          }
          try proof.verify(rootHash: hash)
          return passedByHash(proof, root: root.lowercased())
        } else {
          let published = try LiabilityRoot(json: try readFile(root))
          if let publicKey { try published.verifySignature(trustedPublicKey: publicKey) }
          try proof.verify(against: published)
        }
      } catch let malformed as LedgerError {
        // A document that is not a proof (or a root) does not verify: exit 1, as the
        // contract says, naming it.
        return failed(LiabilityVerificationError(level: "document", reason: malformed.message))
      } catch let failure as LiabilityVerificationError {
        return failed(failure)
      }
      return passed(proof)
    }
  }

  /// Every proof against the head: its signature once, then each proof against its asset's
  /// root there.
  private func verifyAll(head path: String) throws -> Int32 {
    var checked: [LiabilityProof] = []
    do {
      let head = try LiabilityHead(json: try readFile(path))
      if let publicKey { try head.verifySignature(trustedPublicKey: publicKey) }
      for file in proofs {
        let proof = try LiabilityProof(json: try readFile(file))
        do {
          try head.verify(proof)
        } catch {
          throw LiabilityVerificationError(level: error.level, reason: "\(file): \(error.reason)")
        }
        checked.append(proof)
      }
      if format == .json {
        Output.json(
          .object([
            "ok": .bool(true), "sequence": .number(String(head.sequence)),
            "headHash": .string(head.headHash), "proofs": .array(checked.map(summary)),
          ]))
      } else {
        for proof in checked {
          Output.line(
            "ok: \(Output.escaped(proof.account)) holds \(proof.balance.formatted(decimals: proof.decimals)) \(proof.asset), included in a total of \(proof.total.formatted(decimals: proof.decimals))"
          )
        }
        Output.line(
          "all \(checked.count) proofs are of entry \(head.sequence) (head \(head.headHash))"
            + (publicKey == nil ? "" : ", the head signed by \(publicKey ?? "")"))
      }
      return 0
    } catch let malformed as LedgerError {
      return failed(LiabilityVerificationError(level: "document", reason: malformed.message))
    } catch let failure as LiabilityVerificationError {
      return failed(failure)
    }
  }

  private func summary(_ proof: LiabilityProof) -> JSONValue {
    .object([
      "account": .string(proof.account), "asset": .string(proof.asset),
      "balance": .string(proof.balance.formatted(decimals: proof.decimals)),
      "total": .string(proof.total.formatted(decimals: proof.decimals)),
    ])
  }

  private func failed(_ failure: LiabilityVerificationError) -> Int32 {
    Output.error("verify-liability: \(failure)")
    if format == .json {
      Output.json(
        .object([
          "ok": .bool(false), "level": .string(failure.level), "reason": .string(failure.reason),
        ]))
    }
    return 1
  }

  private func passed(_ proof: LiabilityProof) -> Int32 {
    let balance = proof.balance.formatted(decimals: proof.decimals)
    let total = proof.total.formatted(decimals: proof.decimals)
    if format == .json {
      Output.json(
        .object([
          "ok": .bool(true), "account": .string(proof.account), "balance": .string(balance),
          "total": .string(total), "asset": .string(proof.asset),
          "sequence": .number(String(proof.sequence)),
        ]))
    } else {
      Output.line(
        "ok: \(Output.escaped(proof.account)) holds \(balance) \(proof.asset), included in a total of \(total) at entry \(proof.sequence)"
      )
    }
    return 0
  }

  /// A proof checked against a bare hash: what the hash binds, in base units, and nothing
  /// it does not (a proof's asset, decimals and entry could be edited under the same hash).
  private func passedByHash(_ proof: LiabilityProof, root: String) -> Int32 {
    let balance = proof.balance.baseUnits.description
    let total = proof.total.baseUnits.description
    if format == .json {
      Output.json(
        .object([
          "ok": .bool(true), "account": .string(proof.account),
          "balanceBaseUnits": .string(balance), "totalBaseUnits": .string(total),
          "root": .string(root), "bound": .string("hash"),
        ]))
    } else {
      Output.line(
        "ok: \(Output.escaped(proof.account)) holds \(balance) base units, included in root"
          + " \(root) (a total of \(total) base units); the hash binds no asset, decimals or"
          + " entry: check them against root.json")
    }
    return 0
  }

  private func hexBytes(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while utf8.count >= 2 {
      guard let byte = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else {
        return nil
      }
      bytes.append(byte)
      utf8 = utf8.dropFirst(2)
    }
    return bytes.count == 32 ? bytes : nil
  }
}
