/// How every statement names its parameters: `$1`, `$2`, … in order of first appearance (a
/// number may appear again). Both engines read that natively: PostgreSQL numbers its
/// parameters so, and SQLite numbers named parameters in order of first appearance, so a value
/// bound by index binds the same parameter on both. No statement is rewritten for an engine;
/// ``problem(in:)`` checks, as each is prepared in a debug build, that it keeps to the rule.
enum StatementParameters {
  /// What breaks the rule in `sql`: a `?` placeholder, or a `$n` that is neither one seen
  /// before nor the next number. Quoted text and identifiers, comments and dollar-quoted
  /// bodies are skipped. Nil when the statement keeps to it.
  static func problem(in sql: String) -> String? {
    let bytes = Array(sql.utf8)
    var highest = 0
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        index = (bytes[(index + 1)...].firstIndex(of: byte) ?? bytes.count - 1) + 1
        continue
      case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == byte:
        index = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        continue
      case UInt8(ascii: "?"):
        return "a ? placeholder at offset \(index) (write $1, $2, …)"
      case UInt8(ascii: "$"):
        var end = index + 1
        while end < bytes.count, (48...57).contains(bytes[end]) { end += 1 }
        if end == index + 1 {
          // `$$` or `$tag$` opens a dollar-quoted body: skip to its close.
          guard let close = bytes[(index + 1)...].firstIndex(of: byte) else { return nil }
          let tag = Array(bytes[index...close])
          var search = close + 1
          while search + tag.count <= bytes.count, Array(bytes[search..<search + tag.count]) != tag
          {
            search += 1
          }
          index = search + tag.count
          continue
        }
        let number = Int(String(decoding: bytes[(index + 1)..<end], as: UTF8.self)) ?? 0
        if number > highest + 1 {
          return
            "$\(number) before $\(highest + 1) (parameters are numbered in order of first appearance)"
        }
        highest = max(highest, number)
        index = end
        continue
      default:
        break
      }
      index += 1
    }
    return nil
  }
}
