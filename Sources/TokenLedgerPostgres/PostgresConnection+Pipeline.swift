import CPostgres
import TokenLedger

#if canImport(Glibc)
  import Glibc
#endif

/// The wire of a ``PostgresConnection``: a pipeline of statements sent in libpq's pipeline
/// mode in one round trip, their results read back in order, and the C strings and parameter
/// arrays libpq takes. The connection's statement bookkeeping (what is held back, prepared,
/// read ahead, when a transaction begins) stays in `PostgresConnection.swift`.
extension PostgresConnection {
  /// How a pipeline failed: its first error, and whether that was a lock statement's timeout.
  struct PipelineFailure: Error {
    let error: DatabaseError
    let lockTimedOut: Bool
  }

  func sendPipeline(_ queries: [Deferred]) throws(PipelineFailure) -> [PostgresResult] {
    roundTrips += 1
    statementsSent += queries.count
    guard PQenterPipelineMode(handle) == 1 else {
      throw PipelineFailure(
        error: DatabaseError(
          resultCode: 10, message: "PostgreSQL: cannot enter pipeline mode: \(errorMessage)",
          sqlState: "08006"), lockTimedOut: false)
    }
    var firstError = sendQueries(queries)
    var lockTimedOut = false
    PQpipelineSync(handle)
    let results = readResults(queries, &firstError, &lockTimedOut)
    let synced = readSyncPoint(queries, &firstError)
    if !synced, firstError == nil {
      firstError = DatabaseError(
        resultCode: 10, message: "PostgreSQL: \(errorMessage)", sql: queries.last?.sql,
        sqlState: "08006")
    }
    if PQexitPipelineMode(handle) != 1, firstError == nil {
      firstError = DatabaseError(
        resultCode: 10, message: "PostgreSQL: cannot leave pipeline mode: \(errorMessage)",
        sqlState: "08006")
    }
    if let firstError { throw PipelineFailure(error: firstError, lockTimedOut: lockTimedOut) }
    guard results.count == queries.count else {
      throw PipelineFailure(
        error: DatabaseError(
          resultCode: 10,
          message:
            "PostgreSQL: a pipeline returned \(results.count) results for \(queries.count) statements",
          sqlState: "08006"), lockTimedOut: false)
    }
    return results
  }

  /// Sends each query (preparing those that prepare first); the first failure to send.
  private func sendQueries(_ queries: [Deferred]) -> DatabaseError? {
    var firstError: DatabaseError?
    for query in queries {
      if query.prepares, let name = query.name {
        let types = Self.parameterTypes(query.values)
        if PQsendPrepare(handle, name, query.sql, Int32(types.count), types) != 1,
          firstError == nil
        {
          firstError = DatabaseError(
            resultCode: 10, message: "PostgreSQL: \(errorMessage)", sql: query.sql,
            sqlState: "08006")
        }
      }
      let sent = Self.withParameters(query.values) { parameters, types in
        if let name = query.name {
          return PQsendQueryPrepared(
            handle, name, Int32(query.values.count), parameters, nil, nil, 0)
        }
        return PQsendQueryParams(
          handle, query.sql, Int32(query.values.count), types, parameters, nil, nil, 0)
      }
      if sent != 1, firstError == nil {
        firstError = DatabaseError(
          resultCode: 10, message: "PostgreSQL: \(errorMessage)", sql: query.sql, sqlState: "08006")
      }
    }
    return firstError
  }

  /// Each query's last result, in order; the first error among them (and whether it was a
  /// lock statement's timeout) into `firstError` and `lockTimedOut`.
  private func readResults(
    _ queries: [Deferred], _ firstError: inout DatabaseError?, _ lockTimedOut: inout Bool
  ) -> [PostgresResult] {
    var results: [PostgresResult] = []
    results.reserveCapacity(queries.count)
    for query in queries {
      if query.prepares, let name = query.name {
        var prepared = false
        while let raw = PQgetResult(handle) {
          let result = PostgresResult(raw, connection: self)
          if PQresultStatus(raw) == PGRES_COMMAND_OK {
            prepared = true
          } else if PQresultStatus(raw) != PGRES_PIPELINE_ABORTED, firstError == nil {
            do { try result.check(sql: query.sql) } catch { firstError = error }
          }
        }
        if prepared { preparedNames.insert(name) }
      }
      var last: PostgresResult?
      while let raw = PQgetResult(handle) {
        let result = PostgresResult(raw, connection: self)
        if PQresultStatus(raw) != PGRES_PIPELINE_ABORTED, firstError == nil {
          do { try result.check(sql: query.sql) } catch {
            firstError = error
            lockTimedOut = query.isLock && error.sqlState == "55P03"
          }
        }
        last = result
      }
      if let last { results.append(last) }
    }
    return results
  }

  /// Reads up to the sync point's own result; false when none came (the connection went).
  private func readSyncPoint(_ queries: [Deferred], _ firstError: inout DatabaseError?) -> Bool {
    // The sync point's own result, then out of pipeline mode. Statements after an explicit
    // transaction's end commit only here (the flush): an error now, or no sync point at all
    // (the connection went), is a failure of the pipeline.
    var synced = false
    var ends = 0
    while !synced {
      guard let raw = PQgetResult(handle) else {
        // A NULL ends an error's results, and the sync point follows; on a lost connection
        // nothing follows.
        ends += 1
        if PQstatus(handle) != CONNECTION_OK || ends > 2 { break }
        continue
      }
      let result = PostgresResult(raw, connection: self)
      let status = PQresultStatus(raw)
      if status == PGRES_PIPELINE_SYNC {
        synced = true
        break
      }
      if firstError == nil {
        do { try result.check(sql: queries.last?.sql ?? "") } catch { firstError = error }
      }
    }
    return synced
  }

  /// Text-format parameters as NUL-terminated C strings, and their types, valid during `body`.
  static func withParameters<T>(
    _ values: [SQLValue],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UInt32>?) -> T
  ) -> T {
    var buffers: [UnsafeMutablePointer<CChar>?] = []
    buffers.reserveCapacity(values.count)
    defer { for buffer in buffers { buffer?.deallocate() } }
    for value in values {
      switch value {
      case .null: buffers.append(nil)
      case .integer(let integer): buffers.append(cString(Array(String(integer).utf8)))
      case .text(let text): buffers.append(cString(Array(text.utf8)))
      case .blob(let bytes):
        var hex: [UInt8] = Array("\\x".utf8)
        hex.reserveCapacity(2 + bytes.count * 2)
        let digits = Array("0123456789abcdef".utf8)
        for byte in bytes {
          hex.append(digits[Int(byte >> 4)])
          hex.append(digits[Int(byte & 0xF)])
        }
        buffers.append(cString(hex))
      }
    }
    let types = parameterTypes(values)
    return buffers.withUnsafeBufferPointer { pointers in
      pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { parameters in
        types.withUnsafeBufferPointer { body(parameters.baseAddress, $0.baseAddress) }
      }
    }
  }

  private static func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
    bytes.withUnsafeBytes { raw in
      UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
    }
    buffer[bytes.count] = 0
    return buffer
  }
}
