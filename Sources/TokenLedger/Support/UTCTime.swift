/// Instants as UTC Unix seconds, parsed from RFC 3339 in UTC and formatted to
/// `2024-05-01T12:00:00Z`. The clock has whole seconds: block times that carry a fraction
/// (Cosmos writes nanoseconds) are truncated to the second they fall in, so that an instant has
/// one exact representation and the same block time always normalises to the same text.
public enum UTCTime {
  /// The instants an RFC 3339 text can name: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
  public static let secondsRange: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

  /// The most fractional digits accepted (nanoseconds and then some).
  static let fractionDigitsMax = 18

  /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)`; `nil` for any other shape, another
  /// offset, or an impossible date. A fraction is dropped (the instant's whole second).
  public static func parse(_ text: String) -> Int64? {
    var bytes = Array(text.utf8)
    if bytes.count >= 25, bytes.suffix(6).elementsEqual("+00:00".utf8) {
      bytes.removeLast(6)
    } else if bytes.last == 0x5A {
      bytes.removeLast()
    } else {
      return nil
    }
    if bytes.count > 19 {
      let fraction = bytes[20...]
      guard bytes[19] == 0x2E, (1...fractionDigitsMax).contains(fraction.count),
        fraction.allSatisfy(DecimalText.isDigit)
      else { return nil }
      bytes.removeLast(bytes.count - 19)
    }
    guard bytes.count == 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54,
      bytes[13] == 0x3A, bytes[16] == 0x3A
    else { return nil }
    func number(_ range: Range<Int>) -> Int64? {
      var value: Int64 = 0
      for byte in bytes[range] {
        guard DecimalText.isDigit(byte) else { return nil }
        value = value * 10 + Int64(byte - 0x30)
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
      hour < 24, minute < 60, second < 60
    else { return nil }
    return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
      + second
  }

  /// Parses the start of a period for report bounds: a full RFC 3339 time (as ``parse(_:)``),
  /// or a date `YYYY-MM-DD`, a month `YYYY-MM` or a year `YYYY`, each meaning its first second
  /// (UTC). `nil` for anything else.
  public static func parseBound(_ text: String) -> Int64? {
    if let time = parse(text) { return time }
    let suffix: String? =
      switch text.utf8.count {
      case 10: "T00:00:00Z"
      case 7: "-01T00:00:00Z"
      case 4: "-01-01T00:00:00Z"
      default: nil
      }
    guard let suffix, text.utf8.allSatisfy({ DecimalText.isDigit($0) || $0 == 0x2D }) else {
      return nil
    }
    return parse(text + suffix)
  }

  /// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
  public static func format(_ seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let remainder = seconds - days * 86_400
    let (year, month, day) = civilFromDays(days)
    func pad(_ value: Int64, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(remainder / 3600, 2)):"
      + "\(pad(remainder % 3600 / 60, 2)):\(pad(remainder % 60, 2))Z"
  }

  private static func isLeap(_ year: Int64) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  private static func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  // Howard Hinnant's days_from_civil and civil_from_days, for the proleptic Gregorian calendar.
  private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthPart = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
    let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
