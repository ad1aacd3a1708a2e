/// Inline SVG charts drawn from exact amounts. Lengths are whole pixels scaled in integer
/// arithmetic (value × pixels ÷ largest, rounded down), so no amount passes through floating
/// point; every bar carries its exact value in a `<title>` (shown on hover) and the report's
/// tables beside the charts hold the same numbers as text.
enum SVGChart {
  /// `value × pixels ÷ largest`, rounded down; 0 when `largest` is 0.
  static func scale(_ value: Amount, of largest: Amount, pixels: Int) -> Int {
    guard !largest.isZero else { return 0 }
    let product = value.baseUnits.multipliedFullWidth(by: UInt128(pixels))
    return Int(largest.baseUnits.dividingFullWidth(product).quotient)
  }

  /// Horizontal bars, one a line: label, bar, value.
  static func bars(_ items: [SeriesPoint], decimals: Int, label: String) -> String {
    guard !items.isEmpty else { return "<p class=\"empty\">none</p>" }
    let rowHeight = 22
    let labelWidth = 300
    let barWidth = 360
    let width = labelWidth + barWidth + 190
    let height = items.count * rowHeight + 8
    let largest = items.map(\.value).max() ?? .zero
    var svg =
      "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(label))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
    for (index, item) in items.enumerated() {
      let y = index * rowHeight + 4
      let length = max(item.value.isZero ? 0 : 1, scale(item.value, of: largest, pixels: barWidth))
      let exact = item.value.formatted(decimals: decimals)
      svg +=
        "<text class=\"label\" x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTML.escape(HTML.shorten(item.label, 40)))</text>"
        + "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\"><title>\(HTML.escape(item.label)): \(exact)</title></rect>"
        + "<text class=\"value\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\">\(HTML.compact(item.value, decimals: decimals))</text>"
    }
    return svg + "</svg>"
  }

  /// Columns over labelled periods, one or more series side by side (each with its class).
  static func columns(
    _ labels: [String], series: [(name: String, css: String, values: [Amount])], decimals: Int,
    label: String
  ) -> String {
    guard !labels.isEmpty else { return "<p class=\"empty\">none</p>" }
    let plotHeight = 200
    let top = 12
    let largest = series.flatMap(\.values).max() ?? .zero
    // The axis label is the largest value; the plot starts right of it (about 6.5 px a
    // character at 11 px).
    let left = max(60, HTML.compact(largest, decimals: decimals).count * 13 / 2 + 14)
    let slot = max(6, min(48, 720 / labels.count))
    let barWidth = max(2, (slot - 2) / series.count)
    // Wide enough for the legend (110 px an entry) however few the periods.
    let width = max(left + labels.count * slot + 20, left + series.count * 110 + 10)
    let height = top + plotHeight + 44
    var svg =
      "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(label))\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
    // The axis: zero and the largest value, exact to two decimals (rounded down).
    svg +=
      "<line class=\"axis\" x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(top + plotHeight)\"/>"
      + "<line class=\"grid\" x1=\"\(left)\" y1=\"\(top)\" x2=\"\(width - 10)\" y2=\"\(top)\"/>"
      + "<text class=\"label\" x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\">\(HTML.compact(largest, decimals: decimals))</text>"
      + "<text class=\"label\" x=\"\(left - 6)\" y=\"\(top + plotHeight + 4)\" text-anchor=\"end\">0</text>"
    // Labels are about 6 pixels a character; every one that fits is written.
    let labelWidth = (labels.map(\.count).max() ?? 1) * 6 + 8
    let every = max(1, (labelWidth + slot - 1) / slot)
    for (index, period) in labels.enumerated() {
      let x = left + index * slot
      for (number, item) in series.enumerated() {
        let value = item.values[index]
        let length = scale(value, of: largest, pixels: plotHeight)
        let shown = value.isZero ? 0 : max(1, length)
        svg +=
          "<rect class=\"\(item.css)\" x=\"\(x + 1 + number * barWidth)\" y=\"\(top + plotHeight - shown)\" width=\"\(barWidth)\" height=\"\(shown)\"><title>\(HTML.escape(period)) \(HTML.escape(item.name)): \(value.formatted(decimals: decimals))</title></rect>"
      }
      if index % every == 0 {
        svg +=
          "<text class=\"label\" x=\"\(x + slot / 2)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">\(HTML.escape(period))</text>"
      }
    }
    var legendX = left
    for item in series where series.count > 1 {
      svg +=
        "<rect class=\"\(item.css)\" x=\"\(legendX)\" y=\"\(top + plotHeight + 28)\" width=\"10\" height=\"10\"/>"
        + "<text class=\"label\" x=\"\(legendX + 14)\" y=\"\(top + plotHeight + 37)\">\(HTML.escape(item.name))</text>"
      legendX += 110
    }
    return svg + "</svg>"
  }
}

/// Text for HTML: escaping, and amounts shortened for labels.
enum HTML {
  static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default:
        // Control and invisible format characters would hide, or reorder what an auditor
        // reads (a right-to-left override): shown as escapes, as the tables show them.
        if VisibleText.isHidden(character) {
          result += VisibleText.escape(character)
        } else {
          result.unicodeScalars.append(character)
        }
      }
    }
    return result
  }

  /// A label no longer than `limit` characters: the start and end of a long address.
  static func shorten(_ text: String, _ limit: Int) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(limit / 2 - 1)) + "…" + String(text.suffix(limit / 2 - 1))
  }

  /// An amount in token units with thousands separators and at most two decimals, rounded
  /// down (for chart labels; tables show the exact value).
  static func compact(_ amount: Amount, decimals: Int) -> String {
    let parts = exact(SignedAmount(amount), decimals: decimals).split(
      separator: ".", maxSplits: 1)
    guard parts.count == 2 else { return String(parts[0]) }
    var fraction = parts[1].prefix(2)
    while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
    return fraction.isEmpty ? String(parts[0]) : parts[0] + "." + fraction
  }

  /// An amount in token units with thousands separators, exact.
  static func exact(_ amount: SignedAmount, decimals: Int) -> String {
    let text = amount.formatted(decimals: decimals)
    let negative = text.hasPrefix("-")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", maxSplits: 1)
    var integer = String(parts[0])
    var grouped = ""
    while integer.count > 3 {
      grouped = "," + integer.suffix(3) + grouped
      integer.removeLast(3)
    }
    grouped = integer + grouped
    return (negative ? "-" : "") + grouped + (parts.count == 2 ? "." + parts[1] : "")
  }
}
