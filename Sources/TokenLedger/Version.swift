/// This build's version, the one place it is written: `tokenledger --version`, `info`, every
/// JSON document's header and the HTML report read it from here. Read it as
/// `TokenLedger.version`.
public let version = "2.0.0"
