import TokenLedger

/// The library's SQL, written once for SQLite, as PostgreSQL runs it: every difference between
/// the two dialects that a statement can meet is here (the layout's are in
/// `schema/postgresql/`, the functions SQLite has and PostgreSQL lacks are defined there).
///
/// - `?` parameters become `$1…$n` and `?NNN` becomes `$NNN` (outside quoted text and
///   identifiers);
/// - `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
/// - `INDEXED BY name` (SQLite's index hint) is dropped: PostgreSQL's planner chooses;
/// - `temp.name` becomes `pg_temp.name`, and an index on a temporary table is created
///   unqualified (PostgreSQL puts it beside its table);
/// - `WITHOUT ROWID` and `STRICT` table options are dropped (every PostgreSQL table is typed);
/// - `GLOB 'prefix*'` (the only GLOBs the library's statements use) becomes
///   `LIKE 'prefix%'`; a prefix with `%`, `_` or GLOB's own wildcards is left for PostgreSQL
///   to reject;
/// - `BEGIN IMMEDIATE` and `BEGIN DEFERRED` are ``Database``'s: see `beginWrite`/`beginRead`.
enum PostgresDialect {
  static func translate(_ sql: String) -> String {
    var output = ""
    output.reserveCapacity(sql.utf8.count + 16)
    var parameter = 0
    var quote: Character? = nil
    var inComment = false
    var pendingNumbered = false
    for character in sql {
      if pendingNumbered {
        pendingNumbered = false
        if !character.isNumber {
          parameter += 1
          output += "\(parameter)"
        }
      }
      if inComment {
        output.append(character)
        if character == "\n" { inComment = false }
        continue
      }
      if let open = quote {
        output.append(character)
        if character == open { quote = nil }
        continue
      }
      switch character {
      case "'", "\"":
        quote = character
        output.append(character)
      case "-" where output.last == "-":
        inComment = true
        output.append(character)
      case "?":
        // `?NNN` names its parameter: `$NNN` (the digits follow as they are).
        pendingNumbered = true
        output += "$"
      default:
        output.append(character)
      }
    }
    if pendingNumbered {
      parameter += 1
      output += "\(parameter)"
    }
    return rewriteKeywords(output)
  }

  private static func rewriteKeywords(_ sql: String) -> String {
    var text = sql
    if text.contains("INSERT OR IGNORE INTO") {
      text = text.replacing("INSERT OR IGNORE INTO", with: "INSERT INTO")
      var body = Substring(text)
      while let last = body.last, last == ";" || last.isWhitespace { body.removeLast() }
      if let returning = body.firstRange(of: " RETURNING ") {
        text =
          String(body[..<returning.lowerBound]) + " ON CONFLICT DO NOTHING"
          + String(body[returning.lowerBound...])
      } else {
        text = String(body) + " ON CONFLICT DO NOTHING"
      }
    }
    var searchFrom = text.startIndex
    while let glob = text[searchFrom...].firstRange(of: " GLOB '") {
      let patternStart = glob.upperBound
      guard let close = text[patternStart...].firstIndex(of: "'") else { break }
      let pattern = text[patternStart..<close]
      let prefix = pattern.dropLast()
      searchFrom = close
      guard pattern.last == "*",
        !prefix.contains(where: { "*?[]%_\\".contains($0) })
      else { continue }
      text.replaceSubrange(glob.lowerBound..<text.index(after: close), with: " LIKE '\(prefix)%'")
      searchFrom = text.startIndex
    }
    while let hint = text.firstRange(of: " INDEXED BY ") ?? text.firstRange(of: "\nINDEXED BY ") {
      var end = hint.upperBound
      while end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "_" {
        end = text.index(after: end)
      }
      text.replaceSubrange(hint.lowerBound..<end, with: "")
    }
    text = text.replacing("CREATE INDEX IF NOT EXISTS temp.", with: "CREATE INDEX IF NOT EXISTS ")
    text = text.replacing(" temp.", with: " pg_temp.")
    text = text.replacing("(temp.", with: "(pg_temp.")
    text = text.replacing(") WITHOUT ROWID", with: ")")
    text = text.replacing(") STRICT", with: ")")
    return text
  }
}
