/// "Did you mean …?" for a name that matches nothing: the one known name within a small edit
/// distance (or equal but for case), so that a typo gets an answer and not an empty table.
package enum Suggestion {
  /// ` (did you mean 'X'?)` when exactly one candidate is close to `text`, else "".
  package static func hint(for text: String, among candidates: [String]) -> String {
    let lowered = text.lowercased()
    let close = candidates.filter { candidate in
      candidate.lowercased() == lowered
        || distance(Array(lowered.utf8), Array(candidate.lowercased().utf8)) <= 2
    }
    guard close.count == 1, let only = close.first else { return "" }
    return " (did you mean '\(only)'?)"
  }

  /// Levenshtein distance of two byte strings, stopping early past the threshold of interest.
  static func distance(_ left: [UInt8], _ right: [UInt8]) -> Int {
    if abs(left.count - right.count) > 2 { return 3 }
    var previous = Array(0...right.count)
    for (i, l) in left.enumerated() {
      var current = [i + 1] + Array(repeating: 0, count: right.count)
      for (j, r) in right.enumerated() {
        current[j + 1] = Swift.min(
          previous[j + 1] + 1, current[j] + 1, previous[j] + (l == r ? 0 : 1))
      }
      previous = current
    }
    return previous[right.count]
  }
}
