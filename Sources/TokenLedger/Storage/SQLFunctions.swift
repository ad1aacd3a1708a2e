import CSQLite

/// SQL functions registered on every connection, so that audits can run set-wise in SQL
/// over the canonical TEXT amounts.
///
/// - `amount_sum(x)`: exact aggregate sum of signed base-unit texts; raises an SQL error on a
///   malformed value or when the sum leaves the range of ±(2^256 − 1).
/// - `amount_valid(x)`: 1 when `x` is canonical signed base-unit text, else 0.
/// - `stored_id(x)`: the stored form of idempotency id `x` (``StoredId``); NULL for NULL.
/// - `hash_bytes(x)`: 64 lowercase hex digits as their 32 bytes; an SQL error for other text
///   (format-1 hashes, copied by the migration to format 2).
enum SQLFunctions {
  static func register(on handle: OpaquePointer) {
    let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
    sqlite3_create_function_v2(
      handle, "amount_sum", 1, flags, nil, nil, amountSumStep, amountSumFinal, nil)
    sqlite3_create_function_v2(
      handle, "amount_valid", 1, flags, nil, amountValid, nil, nil, nil)
    sqlite3_create_function_v2(handle, "stored_id", 1, flags, nil, storedId, nil, nil, nil)
    sqlite3_create_function_v2(handle, "hash_bytes", 1, flags, nil, hashBytes, nil, nil, nil)
  }
}

/// The running state of one `amount_sum`, kept in SQLite's aggregate context (zeroed memory,
/// which is a valid initial state: state 0 means "fine so far").
private struct AmountSumState {
  var state: Int32  // 0 ok, 1 malformed, 2 overflow
  var isNegative: Bool
  var magnitude: UInt128
  var high: UInt128
}

private func text(_ value: OpaquePointer?) -> Substring? {
  guard let pointer = sqlite3_value_text(value) else { return nil }
  // Its byte count, not the first NUL, ends the text (a NUL inside makes it malformed).
  let count = Int(sqlite3_value_bytes(value))
  return Substring(
    String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
}

private let amountSumStep:
  @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, _, arguments in
    guard
      let raw = sqlite3_aggregate_context(context, Int32(MemoryLayout<AmountSumState>.stride))
    else { return sqlite3_result_error_nomem(context) }
    let pointer = raw.bindMemory(to: AmountSumState.self, capacity: 1)
    guard pointer.pointee.state == 0 else { return }
    guard sqlite3_value_type(arguments?[0]) != SQLITE_NULL else { return }
    guard let text = text(arguments?[0]), let value = SignedAmount(text: text) else {
      pointer.pointee.state = 1
      return
    }
    let current = SignedAmount(
      isNegative: pointer.pointee.isNegative, high: pointer.pointee.high,
      low: pointer.pointee.magnitude)
    guard let sum = current.adding(value) else {
      pointer.pointee.state = 2
      return
    }
    pointer.pointee.isNegative = sum.isNegative
    pointer.pointee.magnitude = sum.magnitude
    pointer.pointee.high = sum.high
  }

private let amountSumFinal: @convention(c) (OpaquePointer?) -> Void = { context in
  guard let raw = sqlite3_aggregate_context(context, 0) else {
    return sqlite3_result_text(context, "0", -1, sqliteTransient)
  }
  let state = raw.bindMemory(to: AmountSumState.self, capacity: 1).pointee
  switch state.state {
  case 0:
    let sum = SignedAmount(isNegative: state.isNegative, high: state.high, low: state.magnitude)
    sqlite3_result_text(context, sum.description, -1, sqliteTransient)
  case 1: sqlite3_result_error(context, "amount_sum: malformed amount", -1)
  default: sqlite3_result_error(context, "amount_sum: overflow", -1)
  }
}

private let amountValid:
  @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, _, arguments in
    let valid =
      sqlite3_value_type(arguments?[0]) == SQLITE_TEXT
      && text(arguments?[0]).flatMap { SignedAmount(text: $0) } != nil
    sqlite3_result_int(context, valid ? 1 : 0)
  }

private let storedId:
  @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, _, arguments in
    guard sqlite3_value_type(arguments?[0]) != SQLITE_NULL, let id = text(arguments?[0]) else {
      return sqlite3_result_null(context)
    }
    if let bytes = StoredId.compact(String(id)) {
      bytes.withUnsafeBytes {
        sqlite3_result_blob(context, $0.baseAddress, Int32(bytes.count), sqliteTransient)
      }
    } else {
      sqlite3_result_text(context, String(id), -1, sqliteTransient)
    }
  }

private let hashBytes:
  @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, _, arguments in
    guard let hex = text(arguments?[0]), let bytes = HashChain.bytes(validHex: String(hex)) else {
      return sqlite3_result_error(context, "hash_bytes: not 64 lowercase hex digits", -1)
    }
    bytes.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, 32, sqliteTransient) }
  }
