import TokenLedger

/// What a command checks of a PostgreSQL ledger before it runs any statement that could call
/// code stored in the ledger's schema.
///
/// Every command puts the ledger's schema on its search path and calls the functions the
/// migration installed there (`amount_sum`, `amount_valid` and the others). Functions run with
/// the caller's privileges, so whoever could put a function of their own in that schema, or
/// change one of ours, would run code as the auditor or the writer. A ledger is therefore
/// opened only when:
///
/// - every object of its schema (relations, functions, types) is owned by the schema's owner,
///   and no other role may create objects in it (so only the owner can change what runs);
/// - its functions are exactly those of `schema/postgresql/`, body for body, language and
///   security for each, and its aggregate is built from them (no overload added beside them);
/// - it holds no operator, type, collation, operator class or family, conversion or text-search
///   object of anyone's (none are installed; an operator is a function call in disguise);
/// - no trigger but the foreign keys' own, no rule but the views', no row-level policy, and no
///   default, check or index expression calls a function outside `pg_catalog`.
///
/// The owner is trusted: a role that owns the schema can change it between this check and a
/// statement. That is the model of any PostgreSQL database (its owner can do anything in it);
/// what the check closes is a second role planting code that the first one's commands run.
enum PostgresTrust {
  /// A function of the migrations, as PostgreSQL states it: name and argument types,
  /// language, security definer or not, settings, and the body's text.
  struct Function: Hashable, CustomStringConvertible {
    let signature: String
    let language: String
    let securityDefiner: Bool
    let settings: String
    let body: String

    var description: String { "function \(signature)" }
  }

  /// The functions `schema/postgresql/` creates, read from its text: each
  /// `CREATE FUNCTION name(types) … LANGUAGE lang … AS $$body$$`.
  static let expectedFunctions: Set<Function> = {
    var functions: Set<Function> = []
    let sql = PostgresSchema.migrations.map(\.sql).joined(separator: "\n")
    var rest = Substring(sql)
    while let start = rest.range(of: "CREATE FUNCTION ") {
      let afterName = rest[start.upperBound...]
      guard let open = afterName.firstIndex(of: "("),
        let close = afterName[open...].firstIndex(of: ")"),
        let languageMark = afterName[close...].range(of: "LANGUAGE "),
        let bodyStart = afterName[close...].range(of: "$$"),
        let bodyEnd = afterName[bodyStart.upperBound...].range(of: "$$")
      else { preconditionFailure("schema/postgresql/: a CREATE FUNCTION the library cannot read") }
      let name = afterName[..<open]
      let types = afterName[afterName.index(after: open)..<close]
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let language = afterName[languageMark.upperBound...].prefix { $0.isLetter }
      functions.insert(
        Function(
          signature: "\(name)(\(types.joined(separator: ", ")))", language: String(language),
          securityDefiner: false, settings: "",
          body: String(afterName[bodyStart.upperBound..<bodyEnd.lowerBound])))
      rest = afterName[bodyEnd.upperBound...]
    }
    return functions
  }()

  /// The one aggregate `schema/postgresql/` creates, as ``aggregateQuery`` states it.
  static let expectedAggregates: Set<String> = [
    "aggregate amount_sum(text) step amount_sum_step final amount_sum_final state numeric"
      + " initial 0"
  ]

  /// The functions of the ledger's schema (`?1`), with what makes them run what they run.
  static let functionQuery = """
    SELECT p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
      l.lanname, p.prosecdef, coalesce(pg_catalog.array_to_string(p.proconfig, ','), ''),
      p.prosrc
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_catalog.pg_language l ON l.oid = p.prolang
    WHERE n.nspname = CAST($1 AS TEXT) AND p.prokind <> 'a'
    """

  /// The aggregates of the ledger's schema (`?1`), each with its parts.
  static let aggregateQuery = """
    SELECT 'aggregate ' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid)
      || ') step ' || pg_catalog.quote_ident(s.proname) || CASE WHEN sn.nspname = n.nspname
        THEN '' ELSE ' in ' || sn.nspname END
      || ' final ' || coalesce(pg_catalog.quote_ident(f.proname) || CASE
        WHEN fn.nspname = n.nspname THEN '' ELSE ' in ' || fn.nspname END, 'none')
      || ' state ' || pg_catalog.format_type(g.aggtranstype, NULL)
      || ' initial ' || coalesce(g.agginitval, 'null')
    FROM pg_catalog.pg_aggregate g JOIN pg_catalog.pg_proc p ON p.oid = g.aggfnoid
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_catalog.pg_proc s ON s.oid = g.aggtransfn
    JOIN pg_catalog.pg_namespace sn ON sn.oid = s.pronamespace
    LEFT JOIN pg_catalog.pg_proc f ON f.oid = g.aggfinalfn
    LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
    WHERE n.nspname = CAST($1 AS TEXT)
    """

  /// Everything else that would make a statement run code it did not name, one line each.
  static let problemQuery = """
    WITH ns AS (SELECT oid, nspname, nspowner, nspacl FROM pg_catalog.pg_namespace
      WHERE nspname = CAST($1 AS TEXT))
    SELECT 'relation ' || c.relname || ' is owned by ' || pg_catalog.pg_get_userbyid(c.relowner)
        || ', not by the schema''s owner ' || pg_catalog.pg_get_userbyid(ns.nspowner)
      FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
      WHERE c.relowner <> ns.nspowner
    UNION ALL
    SELECT 'function ' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid)
        || ') is owned by ' || pg_catalog.pg_get_userbyid(p.proowner)
        || ', not by the schema''s owner ' || pg_catalog.pg_get_userbyid(ns.nspowner)
      FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace
      WHERE p.proowner <> ns.nspowner
    UNION ALL
    SELECT 'role ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC'
        ELSE pg_catalog.pg_get_userbyid(a.grantee) END
        || ' may create objects in the schema (only its owner '
        || pg_catalog.pg_get_userbyid(ns.nspowner) || ' may)'
      FROM ns, pg_catalog.aclexplode(ns.nspacl) a
      WHERE a.privilege_type = 'CREATE' AND a.grantee <> ns.nspowner
    UNION ALL
    SELECT 'type ' || t.typname || ' (the ledger defines none)'
      FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace
      WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.reltype = t.oid)
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e
          WHERE e.oid = t.typelem AND e.typarray = t.oid)
    UNION ALL
    SELECT o.kind || ' ' || o.name || ' (the ledger defines none)' FROM (
        SELECT 'operator' AS kind, oprname::text AS name, oprnamespace AS ns
          FROM pg_catalog.pg_operator
        UNION ALL SELECT 'collation', collname::text, collnamespace FROM pg_catalog.pg_collation
        UNION ALL SELECT 'operator class', opcname::text, opcnamespace FROM pg_catalog.pg_opclass
        UNION ALL SELECT 'operator family', opfname::text, opfnamespace
          FROM pg_catalog.pg_opfamily
        UNION ALL SELECT 'conversion', conname::text, connamespace FROM pg_catalog.pg_conversion
        UNION ALL SELECT 'text search configuration', cfgname::text, cfgnamespace
          FROM pg_catalog.pg_ts_config
        UNION ALL SELECT 'text search dictionary', dictname::text, dictnamespace
          FROM pg_catalog.pg_ts_dict
        UNION ALL SELECT 'text search parser', prsname::text, prsnamespace
          FROM pg_catalog.pg_ts_parser
        UNION ALL SELECT 'text search template', tmplname::text, tmplnamespace
          FROM pg_catalog.pg_ts_template
      ) o JOIN ns ON ns.oid = o.ns
    UNION ALL
    SELECT 'trigger ' || t.tgname || ' on ' || c.relname || ' (the ledger defines none)'
      FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN ns ON ns.oid = c.relnamespace WHERE NOT t.tgisinternal
    UNION ALL
    SELECT 'rule ' || r.rulename || ' on ' || c.relname || ' (the ledger defines none)'
      FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
      JOIN ns ON ns.oid = c.relnamespace WHERE r.rulename <> '_RETURN'
    UNION ALL
    SELECT 'row-level policy ' || p.polname || ' on ' || c.relname || ' (the ledger defines none)'
      FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
      JOIN ns ON ns.oid = c.relnamespace
    UNION ALL
    SELECT 'an expression of ' || c.relname || ' calls ' || fn.nspname || '.' || f.proname
        || ' (only pg_catalog''s functions are called there)'
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_proc f ON d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
        AND f.oid = d.refobjid
      JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
      JOIN pg_catalog.pg_class c ON c.oid = CASE
        WHEN d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass THEN d.objid
        WHEN d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN
          (SELECT adrelid FROM pg_catalog.pg_attrdef WHERE oid = d.objid)
        WHEN d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN
          (SELECT conrelid FROM pg_catalog.pg_constraint WHERE oid = d.objid)
        WHEN d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN
          (SELECT ev_class FROM pg_catalog.pg_rewrite WHERE oid = d.objid)
        END
      JOIN ns ON ns.oid = c.relnamespace
      WHERE fn.nspname <> 'pg_catalog'
    """

  /// What is wrong with the ledger `schema`'s code, one line each; none when it may be used.
  static func problems(_ database: Database, schema: String) throws -> [String] {
    var problems: [String] = []
    try database.forEachRow(problemQuery, [.text(schema)]) { row in
      problems.append(row.text(0) ?? "an object the library cannot name")
    }
    var functions: Set<Function> = []
    try database.forEachRow(functionQuery, [.text(schema)]) { row in
      functions.insert(
        Function(
          signature: row.text(0) ?? "", language: row.text(1) ?? "",
          securityDefiner: row.integer(2) == 1, settings: row.text(3) ?? "",
          body: row.text(4) ?? ""))
    }
    let expectedBySignature = Dictionary(
      expectedFunctions.map { ($0.signature, $0) }, uniquingKeysWith: { first, _ in first })
    for function in functions.sorted(by: { $0.signature < $1.signature }) {
      guard let expected = expectedBySignature[function.signature] else {
        problems.append("\(function) is not one the library installs")
        continue
      }
      if function != expected {
        problems.append("\(function) is not the one the library installed (its definition changed)")
      }
    }
    let present = Set(functions.map(\.signature))
    for missing in expectedFunctions.map(\.signature).sorted() where !present.contains(missing) {
      problems.append("function \(missing) is missing")
    }
    var aggregates: Set<String> = []
    try database.forEachRow(aggregateQuery, [.text(schema)]) { row in
      aggregates.insert(row.text(0) ?? "")
    }
    for aggregate in aggregates.subtracting(expectedAggregates).sorted() {
      problems.append("\(aggregate) is not the one the library installs")
    }
    for aggregate in expectedAggregates.subtracting(aggregates).sorted() {
      problems.append("\(aggregate) is missing")
    }
    return problems
  }

  /// Throws when the ledger `schema` holds code the library did not install, or objects
  /// through which a role but its owner could change what the library's statements run.
  static func verify(_ database: Database, schema: String, displayPath: String) throws {
    let problems = try problems(database, schema: schema)
    guard problems.isEmpty else {
      throw DatabaseError(
        resultCode: 26,
        message: "refusing PostgreSQL ledger \(displayPath): its schema \(schema) holds code"
          + " or grants this library did not make, which its commands could run with your"
          + " privileges: " + problems.prefix(5).joined(separator: "; ")
          + (problems.count > 5 ? "; and \(problems.count - 5) more" : "")
          + " (nothing was run; its owner must restore it)")
    }
  }
}
