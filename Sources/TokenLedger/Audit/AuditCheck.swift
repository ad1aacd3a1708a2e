/// One invariant the audit verifies. Each check is pure: it reads the snapshot through the
/// context and reports what it finds; it never writes.
protocol AuditCheck: Sendable {
  /// The stable name shown in reports (`conservation`, `hashChain`, …).
  var name: String { get }
  func run(_ context: AuditContext, _ violations: inout ViolationList) throws
}

/// A check that does not need the audit's snapshot, so it may run on a connection of its own,
/// on another core, while the others run (``Ledger/audit()``): it reads only the entries up to
/// the audit's head and what they name (rows that are only ever appended, so any later snapshot
/// shows them exactly as the audit's does), or the file's structure.
protocol IndependentCheck: AuditCheck {
  func run(_ database: Database, through head: Int64, _ violations: inout ViolationList) throws
}

/// The checks, in the order they run and are reported. Structural checks come first so that a
/// broken file is named before the invariants that depend on it.
enum AuditRegistry {
  static let checks: [any AuditCheck] = [
    SchemaVersionCheck(),
    IntegrityCheck(),
    SequenceCheck(),
    HashChainCheck(),
    PostingsCheck(),
    AccountsCheck(),
    MaterializedBalancesCheck(),
    ConservationCheck(),
    NoNegativeHolderCheck(),
    CanonicalAddressesCheck(),
    AssetsCheck(),
    ClockCheck(),
    IdempotencyCheck(),
    AllowancesCheck(),
    ValidatorsCheck(),
    UnbondingCheck(),
    HoldsCheck(),
  ]
}
