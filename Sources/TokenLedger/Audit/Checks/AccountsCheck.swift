/// Every account has a valid bucket and is used by a posting: the journal creates accounts only
/// for postings, so an account no posting names was inserted behind its back. "Named by a
/// posting" is read from the balance rows' last entries, which materializedBalances checks
/// against the postings themselves (a row without postings, or a wrong last entry, is named
/// there); so this check needs no index of the postings by account.
struct AccountsCheck: AuditCheck {
  let name = "accounts"

  func run(_ context: AuditContext, _ violations: inout ViolationList) throws {
    try context.database.forEachAccountWithUse { account, isPosted in
      let holder = account.holder
      guard
        let bucket = Bucket(
          kind: account.bucketKind, validator: account.validator, detail: account.detail)
      else {
        violations.append(
          Violation(
            "account \(account.id) has a malformed bucket", account: holder,
            bucket: account.bucketKind))
        return
      }
      if !isPosted {
        violations.append(
          Violation(
            "account \(account.id) is named by no posting", account: holder,
            bucket: bucket.description))
      }
    }
  }
}
