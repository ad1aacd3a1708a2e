/// What the statement that writes an entry under the lock checks and writes (the late-lock
/// protocol of `Journal+LateLock.swift`): its SQL, which only an engine that can lock late
/// has (``ServerEngine/lateLockSQL(_:)``), depends only on these counts.
package struct LateLockShape: Hashable, Sendable {
  package let checksId: Bool
  package let balancesRead: Int
  package let assetsRead: Int
  package let postings: Int
  /// Balances whose row the statement updates: the check of their read proves it exists.
  package let balancesUpdated: Int
  /// Balances that may have no row yet.
  package let balancesUpserted: Int

  /// The text of the error that fails the statement when it updated fewer balance rows than
  /// its checks proved exist.
  package static let balanceRowsMissing = "tokenledger: balance rows updated: "

  package init(
    checksId: Bool, balancesRead: Int, assetsRead: Int, postings: Int, balancesUpdated: Int,
    balancesUpserted: Int
  ) {
    self.checksId = checksId
    self.balancesRead = balancesRead
    self.assetsRead = assetsRead
    self.postings = postings
    self.balancesUpdated = balancesUpdated
    self.balancesUpserted = balancesUpserted
  }
}

extension Database {
  /// The statement that writes an entry of `shape` under the late lock, prepared; only on an
  /// engine that can lock late (``canLockLate``).
  func prepareLateLock(_ shape: LateLockShape) throws -> PreparedStatement {
    guard let engine = serverEngine else {
      preconditionFailure("only a server engine writes an entry under the late lock")
    }
    return try prepare(engine.lateLockSQL(shape))
  }
}
