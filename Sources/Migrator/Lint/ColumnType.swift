/// A column type as a migration writes it, reduced to what decides whether changing it
/// rewrites the table: PostgreSQL's name for the type (`varchar` for `character varying`,
/// `int4` for `integer`...), its modifiers (`varchar(100)`, `numeric(10,2)`) and array depth.
struct ColumnType: Equatable, CustomStringConvertible {
    let name: String
    let modifiers: [Int]
    let arrayDepth: Int

    init(name: String, modifiers: [Int] = [], arrayDepth: Int = 0) {
        self.name = name
        self.modifiers = modifiers
        self.arrayDepth = arrayDepth
    }

    /// The type written in `range` of `statement`, or nil when it is not a plain type name.
    init?(_ statement: LintStatement, _ range: Range<Int>) {
        var words: [String] = []
        var modifiers: [Int] = []
        var arrayDepth = 0
        var index = range.lowerBound
        while index < range.upperBound {
            if let word = statement.identifier(index) {
                if statement.isSymbol(index + 1, ".") {
                    index += 2  // a schema: public.citext is citext
                    continue
                }
                if word == "array" { arrayDepth += 1 } else { words.append(word) }
            } else if statement.isSymbol(index, "(") {
                let close = min(statement.closingParenthesis(from: index), range.upperBound)
                for inner in index + 1..<close {
                    if case .number = statement.tokens[inner].kind, let value = Int(statement.tokens[inner].text) { modifiers.append(value) }
                }
                index = close
            } else if statement.isSymbol(index, "[") {
                arrayDepth += 1
                index = min(statement.closingParenthesis(from: index), range.upperBound)
            } else {
                return nil
            }
            index += 1
        }
        guard !words.isEmpty else { return nil }
        self.init(name: Self.canonicalName(words.joined(separator: " "), modifiers: modifiers), modifiers: modifiers, arrayDepth: arrayDepth)
    }

    var description: String {
        name + (modifiers.isEmpty ? "" : "(\(modifiers.map(String.init).joined(separator: ",")))") + String(repeating: "[]", count: arrayDepth)
    }

    /// Whether `ALTER COLUMN ... TYPE new` from this type keeps the table as it is (the change
    /// is binary coercible and needs no check of the rows), in PostgreSQL 9.2 and later:
    /// `varchar(n)` to `varchar(m ≥ n)`, to `varchar` or to `text`; `text` to `varchar`;
    /// `numeric(p,s)` to `numeric(q ≥ p,s)` or `numeric`; `varbit(n)` to `varbit(m ≥ n)` or
    /// `varbit`; `cidr` to `inet`; and the same type. Anything else rewrites the table (and its
    /// indexes) under an ACCESS EXCLUSIVE lock, or at least scans it.
    func changeAvoidsRewrite(to new: ColumnType) -> Bool {
        if self == new { return true }
        guard arrayDepth == 0, new.arrayDepth == 0 else { return false }
        switch (name, new.name) {
        case ("varchar", "varchar"), ("varbit", "varbit"):
            guard let length = modifiers.first else { return new.modifiers.isEmpty }
            return new.modifiers.first.map { $0 >= length } ?? true
        case ("varchar", "text"):
            return true
        case ("text", "varchar"):
            return new.modifiers.isEmpty
        case ("numeric", "numeric"):
            guard let precision = modifiers.first else { return new.modifiers.isEmpty }
            guard let newPrecision = new.modifiers.first else { return true }
            return newPrecision >= precision && (new.modifiers.dropFirst().first ?? 0) == (modifiers.dropFirst().first ?? 0)
        case ("cidr", "inet"):
            return true
        default:
            return false
        }
    }

    /// The changes ``changeAvoidsRewrite(to:)`` accepts, for messages.
    static let changesWithoutRewrite =
        "varchar(n) to varchar(m ≥ n), varchar or text; text to varchar; numeric(p,s) to numeric(q ≥ p,s) or numeric; "
        + "varbit(n) to varbit(m ≥ n); cidr to inet"

    /// PostgreSQL's own name for a type written `written` (lowercased words, one space apart).
    static func canonicalName(_ written: String, modifiers: [Int]) -> String {
        switch written {
        case "character varying", "char varying", "varchar": return "varchar"
        case "character", "char", "bpchar": return "bpchar"
        case "int", "integer", "int4": return "int4"
        case "smallint", "int2": return "int2"
        case "bigint", "int8": return "int8"
        case "decimal", "numeric", "dec": return "numeric"
        case "real", "float4": return "float4"
        case "double precision", "float8": return "float8"
        case "float": return (modifiers.first ?? 53) <= 24 ? "float4" : "float8"
        case "boolean", "bool": return "bool"
        case "timestamp with time zone", "timestamptz": return "timestamptz"
        case "timestamp without time zone", "timestamp": return "timestamp"
        case "time with time zone", "timetz": return "timetz"
        case "time without time zone", "time": return "time"
        case "bit varying", "varbit": return "varbit"
        case "serial", "serial4": return "serial"
        case "bigserial", "serial8": return "bigserial"
        case "smallserial", "serial2": return "smallserial"
        default: return written
        }
    }
}
