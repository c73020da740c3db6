import Foundation
import PGKit
@testable import Repositories
import Testing

/// Every rule of migration 0004 at the database, through SQL that bypasses the repositories:
/// the value at each limit is accepted, the value just past it refused with the rule's
/// constraint name, and that name translated to a typed `RepositoryError`.
@Suite(.serialized) struct ChatRulesDatabaseTests {
    static let database = ChatDatabase("chat_rules_db")

    /// One rule: statements that must pass and statements it must refuse. `$1` is a user, `$2`
    /// a session of that user, `$3` a message in that session, `$4` a session of another user.
    struct Rule: CustomTestStringConvertible {
        let constraint: String
        let accepted: [String]
        let refused: [String]
        var testDescription: String { constraint }
    }

    static func user(_ set: String) -> String { "UPDATE users SET \(set) WHERE id = $1" }
    static func session(_ set: String) -> String { "UPDATE sessions SET \(set) WHERE id = $2" }
    static func message(_ set: String) -> String { "UPDATE messages SET \(set) WHERE id = $3" }
    static func parts(_ part: String) -> String { message("parts = jsonb_build_array(\(part))") }

    static let rules: [Rule] = [
        Rule(constraint: "users_name_format",
             accepted: [user("name = repeat('a', 100)"), user("name = 'José Ñandú-Ō 3'"), user("name = '李小龍'"), user("name = NULL")],
             refused: [user("name = repeat('a', 101)"), user("name = ''"), user("name = 'Ada L.'"), user("name = ' - '"),
                       user("name = E'e\\u0301'"), user("name = 'Ada_Lovelace'")]),
        Rule(constraint: "users_image_length",
             accepted: [user("image = repeat('i', 2048)"), user("image = 'i'")],
             refused: [user("image = repeat('i', 2049)"), user("image = ''")]),
        Rule(constraint: "users_preferences_keys",
             accepted: [user("preferences = '{\"theme\": \"dark\", \"language\": \"en\", \"defaultModel\": \"gpt-4o\", \"enableNotifications\": true}'")],
             refused: [user("preferences = '{\"theme\": \"dark\", \"fontSize\": 12}'"), user("preferences = '[]'"), user("preferences = 'null'")]),
        Rule(constraint: "users_preferences_theme",
             accepted: [user("preferences = '{\"theme\": \"system\"}'"), user("preferences = '{\"theme\": \"light\"}'")],
             refused: [user("preferences = '{\"theme\": \"blue\"}'"), user("preferences = '{\"theme\": \"Dark\"}'"), user("preferences = '{\"theme\": 1}'")]),
        Rule(constraint: "users_preferences_language",
             accepted: [user("preferences = '{\"language\": \"pt-BR\"}'"), user("preferences = jsonb_build_object('language', 'ab' || repeat('-abcdefgh', 3) || '-abcde')")],
             refused: [user("preferences = jsonb_build_object('language', 'ab' || repeat('-abcdefgh', 3) || '-abcdef')"),
                       user("preferences = '{\"language\": \"e\"}'"), user("preferences = '{\"language\": \"en_US\"}'"),
                       user("preferences = '{\"language\": \"en-123456789\"}'")]),
        Rule(constraint: "users_preferences_default_model",
             accepted: [user("preferences = jsonb_build_object('defaultModel', repeat('m', 100))"),
                        user("preferences = '{\"defaultModel\": \"meta-llama/Llama-3.1-8B:q4\"}'")],
             refused: [user("preferences = jsonb_build_object('defaultModel', repeat('m', 101))"),
                       user("preferences = '{\"defaultModel\": \"-gpt\"}'"), user("preferences = '{\"defaultModel\": \"gpt 4\"}'")]),
        Rule(constraint: "users_preferences_notifications",
             accepted: [user("preferences = '{\"enableNotifications\": false}'")],
             refused: [user("preferences = '{\"enableNotifications\": \"yes\"}'")]),

        Rule(constraint: "sessions_title_length",
             accepted: [session("title = repeat('t', 200)"), session("title = 't'"), session("title = NULL")],
             refused: [session("title = repeat('t', 201)"), session("title = ''")]),
        Rule(constraint: "sessions_model_format",
             accepted: [session("model = repeat('m', 100)"), session("model = 'gpt-4o'")],
             refused: [session("model = repeat('m', 101)"), session("model = ''"), session("model = 'gpt 4o'")]),
        Rule(constraint: "sessions_system_prompt_length",
             accepted: [session("system_prompt = repeat('p', 2000)"), session("system_prompt = ''")],
             refused: [session("system_prompt = repeat('p', 2001)")]),
        Rule(constraint: "sessions_settings_keys",
             accepted: [session("settings = '{\"temperature\": 1, \"maxTokens\": 10, \"topP\": 0.5, \"frequencyPenalty\": 0, \"presencePenalty\": 0}'")],
             refused: [session("settings = '{\"seed\": 1}'"), session("settings = '[]'")]),
        Rule(constraint: "sessions_settings_temperature",
             accepted: [session("settings = '{\"temperature\": 2}'"), session("settings = '{\"temperature\": 0}'")],
             refused: [session("settings = '{\"temperature\": 2.0000001}'"), session("settings = '{\"temperature\": -0.0000001}'"),
                       session("settings = '{\"temperature\": \"0.5\"}'")]),
        Rule(constraint: "sessions_settings_max_tokens",
             accepted: [session("settings = '{\"maxTokens\": 32000}'"), session("settings = '{\"maxTokens\": 1}'")],
             refused: [session("settings = '{\"maxTokens\": 32001}'"), session("settings = '{\"maxTokens\": 0}'"), session("settings = '{\"maxTokens\": 1.5}'")]),
        Rule(constraint: "sessions_settings_top_p",
             accepted: [session("settings = '{\"topP\": 1}'"), session("settings = '{\"topP\": 0}'")],
             refused: [session("settings = '{\"topP\": 1.0000001}'"), session("settings = '{\"topP\": -0.0000001}'")]),
        Rule(constraint: "sessions_settings_frequency_penalty",
             accepted: [session("settings = '{\"frequencyPenalty\": -2}'"), session("settings = '{\"frequencyPenalty\": 2}'")],
             refused: [session("settings = '{\"frequencyPenalty\": -2.0000001}'"), session("settings = '{\"frequencyPenalty\": 2.0000001}'")]),
        Rule(constraint: "sessions_settings_presence_penalty",
             accepted: [session("settings = '{\"presencePenalty\": -2}'"), session("settings = '{\"presencePenalty\": 2}'")],
             refused: [session("settings = '{\"presencePenalty\": -2.0000001}'"), session("settings = '{\"presencePenalty\": 2.0000001}'")]),
        Rule(constraint: "sessions_tags_count",
             accepted: [session("tags = array(SELECT 't' || g FROM generate_series(1, 20) g)")],
             refused: [session("tags = array(SELECT 't' || g FROM generate_series(1, 21) g)")]),
        Rule(constraint: "sessions_tags_length",
             accepted: [session("tags = ARRAY[repeat('t', 50), 'x']")],
             refused: [session("tags = ARRAY[repeat('t', 51)]"), session("tags = ARRAY['']"), session("tags = ARRAY['a', NULL]"),
                       session("tags = '{{a,b},{c,d}}'")]),

        Rule(constraint: "messages_status_check",
             accepted: MessageStatus.allCases.map { message("status = '\($0.rawValue)'") },
             refused: [message("status = 'lost'"), message("status = 'SENT'")]),
        Rule(constraint: "messages_parts_count",
             accepted: [message("parts = (SELECT jsonb_agg(jsonb_build_object('type', 'text', 'text', 'p')) FROM generate_series(1, 100))")],
             refused: [message("parts = (SELECT jsonb_agg(jsonb_build_object('type', 'text', 'text', 'p')) FROM generate_series(1, 101))")]),
        Rule(constraint: "messages_parts_valid",
             accepted: [
                 parts("'{\"type\": \"text\", \"text\": \"\"}'::jsonb"),
                 parts("jsonb_build_object('type', 'image', 'url', repeat('u', 2048), 'alt', repeat('a', 1000), 'width', 100000, 'height', 1)"),
                 parts("jsonb_build_object('type', 'code', 'language', repeat('l', 50), 'code', 'x', 'filename', repeat('f', 255))"),
                 parts("jsonb_build_object('type', 'file', 'fileId', repeat('i', 255), 'fileName', repeat('n', 255), 'fileType', 'application/vnd.api+json', 'fileSize', 104857600)"),
                 parts("'{\"type\": \"file\", \"fileId\": \"f\", \"fileName\": \"a.txt\", \"fileType\": \"text/plain\", \"fileSize\": 0}'::jsonb"),
             ],
             refused: [
                 message("parts = '{}'"), message("parts = '[1]'"), parts("'{\"type\": \"video\", \"url\": \"x\"}'::jsonb"),
                 parts("'{\"type\": \"text\"}'::jsonb"), parts("'{\"type\": \"text\", \"text\": 1}'::jsonb"),
                 parts("'{\"type\": \"text\", \"text\": \"a\", \"bold\": true}'::jsonb"), parts("'{\"type\": \"text\", \"text\": null}'::jsonb"),
                 parts("jsonb_build_object('type', 'image', 'url', repeat('u', 2049))"), parts("'{\"type\": \"image\", \"url\": \"\"}'::jsonb"),
                 parts("jsonb_build_object('type', 'image', 'url', 'u', 'alt', repeat('a', 1001))"),
                 parts("'{\"type\": \"image\", \"url\": \"u\", \"width\": 100001}'::jsonb"), parts("'{\"type\": \"image\", \"url\": \"u\", \"width\": 0}'::jsonb"),
                 parts("'{\"type\": \"image\", \"url\": \"u\", \"height\": 1.5}'::jsonb"),
                 parts("jsonb_build_object('type', 'code', 'language', repeat('l', 51), 'code', 'x')"),
                 parts("'{\"type\": \"code\", \"language\": \"\", \"code\": \"x\"}'::jsonb"), parts("'{\"type\": \"code\", \"language\": \"swift\"}'::jsonb"),
                 parts("jsonb_build_object('type', 'code', 'language', 'swift', 'code', 'x', 'filename', repeat('f', 256))"),
                 parts("'{\"type\": \"file\", \"fileId\": \"f\", \"fileName\": \"a\", \"fileType\": \"text/plain\", \"fileSize\": 104857601}'::jsonb"),
                 parts("'{\"type\": \"file\", \"fileId\": \"f\", \"fileName\": \"a\", \"fileType\": \"text/plain\", \"fileSize\": -1}'::jsonb"),
                 parts("'{\"type\": \"file\", \"fileId\": \"f\", \"fileName\": \"a\", \"fileType\": \"plain\", \"fileSize\": 1}'::jsonb"),
                 parts("'{\"type\": \"file\", \"fileId\": \"f\", \"fileName\": \"a\", \"fileType\": \"text/plain; charset=utf-8\", \"fileSize\": 1}'::jsonb"),
                 parts("'{\"type\": \"file\", \"fileId\": \"\", \"fileName\": \"a\", \"fileType\": \"text/plain\", \"fileSize\": 1}'::jsonb"),
                 parts("jsonb_build_object('type', 'file', 'fileId', 'f', 'fileName', repeat('n', 256), 'fileType', 'text/plain', 'fileSize', 1)"),
                 parts("'{\"type\": \"file\", \"fileId\": \"f\", \"fileName\": \"a\", \"fileType\": \"text/plain\"}'::jsonb"),
             ]),
        Rule(constraint: "messages_edit_history_valid",
             accepted: ["INSERT INTO messages (session_id, role, content, edit_history) VALUES ($2, 'user', 'imported', '[{\"previousContent\": \"\", \"timestamp\": 0}, {\"previousContent\": \"b\", \"previousParts\": [{\"type\": \"text\", \"text\": \"b\"}], \"timestamp\": 253402300799999}]')"],
             refused: ["INSERT INTO messages (session_id, role, content, edit_history) VALUES ($2, 'user', 'x', '{}')",
                       "INSERT INTO messages (session_id, role, content, edit_history) VALUES ($2, 'user', 'x', '[{\"previousContent\": \"a\"}]')",
                       "INSERT INTO messages (session_id, role, content, edit_history) VALUES ($2, 'user', 'x', '[{\"previousContent\": \"a\", \"timestamp\": 253402300800000}]')",
                       "INSERT INTO messages (session_id, role, content, edit_history) VALUES ($2, 'user', 'x', '[{\"previousContent\": \"a\", \"timestamp\": 1, \"by\": \"me\"}]')"]),
        Rule(constraint: "messages_metadata_keys",
             accepted: [message("metadata = '{\"model\": \"gpt-4o\", \"tokens\": {\"prompt\": 1, \"completion\": 2, \"total\": 3}, \"processingTime\": 12.5, \"temperature\": 0.7, \"error\": {\"code\": \"rate_limit\", \"message\": \"slow down\", \"timestamp\": 1735689600000}}'")],
             refused: [message("metadata = '{\"edited\": true}'"), message("metadata = '[]'")]),
        Rule(constraint: "messages_metadata_model",
             accepted: [message("metadata = jsonb_build_object('model', repeat('m', 100))")],
             refused: [message("metadata = jsonb_build_object('model', repeat('m', 101))"), message("metadata = '{\"model\": 4}'")]),
        Rule(constraint: "messages_metadata_tokens",
             accepted: [message("metadata = '{\"tokens\": {\"prompt\": 2147483647, \"completion\": 0, \"total\": 2147483647}}'"),
                        message("metadata = '{\"tokens\": {\"prompt\": 0, \"completion\": 0, \"total\": 0}}'")],
             refused: [message("metadata = '{\"tokens\": {\"prompt\": 2147483648, \"completion\": 0, \"total\": 2147483648}}'"),
                       message("metadata = '{\"tokens\": {\"prompt\": -1, \"completion\": 1, \"total\": 0}}'"),
                       message("metadata = '{\"tokens\": {\"prompt\": 1, \"completion\": 2, \"total\": 4}}'"),
                       message("metadata = '{\"tokens\": {\"prompt\": 1, \"completion\": 2}}'"),
                       message("metadata = '{\"tokens\": {\"prompt\": 1.5, \"completion\": 1.5, \"total\": 3}}'")]),
        Rule(constraint: "messages_metadata_processing_time",
             accepted: [message("metadata = '{\"processingTime\": 86400000}'"), message("metadata = '{\"processingTime\": 0}'")],
             refused: [message("metadata = '{\"processingTime\": 86400000.1}'"), message("metadata = '{\"processingTime\": -0.1}'")]),
        Rule(constraint: "messages_metadata_temperature",
             accepted: [message("metadata = '{\"temperature\": 2}'")],
             refused: [message("metadata = '{\"temperature\": 2.0000001}'")]),
        Rule(constraint: "messages_metadata_error",
             accepted: [message("metadata = jsonb_build_object('error', jsonb_build_object('code', repeat('c', 100), 'message', repeat('m', 10000), 'timestamp', 0))")],
             refused: [message("metadata = jsonb_build_object('error', jsonb_build_object('code', repeat('c', 101), 'message', '', 'timestamp', 0))"),
                       message("metadata = jsonb_build_object('error', jsonb_build_object('code', 'c', 'message', repeat('m', 10001), 'timestamp', 0))"),
                       message("metadata = '{\"error\": {\"code\": \"\", \"message\": \"\", \"timestamp\": 0}}'"),
                       message("metadata = '{\"error\": {\"code\": \"c\", \"message\": \"m\"}}'")]),
        Rule(constraint: "messages_content_or_parts",
             accepted: ["INSERT INTO messages (session_id, role, content, parts) VALUES ($2, 'user', '', '[{\"type\": \"image\", \"url\": \"https://x/y.png\"}]')",
                        "INSERT INTO messages (session_id, role, content) VALUES ($2, 'user', 'x')"],
             refused: ["INSERT INTO messages (session_id, role, content) VALUES ($2, 'user', '')", message("content = '', parts = '[]'")]),
        Rule(constraint: "messages_parent_message_id_fkey",
             accepted: ["INSERT INTO messages (session_id, role, content, parent_message_id) VALUES ($2, 'user', 'reply', $3)"],
             refused: ["INSERT INTO messages (session_id, role, content, parent_message_id) VALUES ($2, 'user', 'reply', '00000000-0000-7000-8000-000000000001')"]),
        Rule(constraint: "messages_parent_same_session",
             accepted: [],
             refused: ["INSERT INTO messages (session_id, role, content, parent_message_id) VALUES ($4, 'user', 'reply', $3)",
                       "UPDATE messages SET session_id = $4 WHERE parent_message_id = $3"]),
        Rule(constraint: "messages_parent_fixed",
             accepted: ["UPDATE messages SET parent_message_id = NULL WHERE parent_message_id = $3 AND content = 'second reply'"],
             refused: ["UPDATE messages SET parent_message_id = (SELECT id FROM messages WHERE session_id = $2 AND id <> $3 AND parent_message_id IS NULL LIMIT 1) WHERE parent_message_id = $3"]),
        Rule(constraint: "messages_content_length",
             accepted: [message("content = repeat('c', 100000)")],
             refused: [message("content = repeat('c', 100001)"),
                       parts("jsonb_build_object('type', 'text', 'text', repeat('c', 50000)), jsonb_build_object('type', 'code', 'language', 'x', 'code', repeat('c', 50000))")]),
    ]

    struct Fixture {
        let conn: PGConnection
        let ids: [any PGEncodable]
    }

    func fixture() async throws -> Fixture {
        let conn = try await PGConnection.connect(try await Self.database.configuration())
        let user = try await conn.query("INSERT INTO users (email) VALUES (\(uniqueEmail("rules"))) RETURNING id").scalar(UUID.self)!
        let other = try await conn.query("INSERT INTO users (email) VALUES (\(uniqueEmail("other"))) RETURNING id").scalar(UUID.self)!
        let session = try await conn.query("INSERT INTO sessions (user_id) VALUES (\(user)) RETURNING id").scalar(UUID.self)!
        let otherSession = try await conn.query("INSERT INTO sessions (user_id) VALUES (\(other)) RETURNING id").scalar(UUID.self)!
        let message = try await conn.query("INSERT INTO messages (session_id, role, content) VALUES (\(session), 'user', 'hi') RETURNING id").scalar(UUID.self)!
        try await conn.execute("INSERT INTO messages (session_id, role, content) VALUES (\(session), 'user', 'another')")
        try await conn.execute("INSERT INTO messages (session_id, role, content, parent_message_id) VALUES (\(session), 'assistant', 'second reply', \(message))")
        return Fixture(conn: conn, ids: [user, session, message, otherSession])
    }

    /// The parameters the statement uses, of `$1`...`$4`.
    func parameters(_ sql: String, _ ids: [any PGEncodable]) -> [any PGEncodable] {
        let used = (1...4).filter { sql.contains("$\($0)") }.max() ?? 0
        return Array(ids.prefix(used))
    }

    @Test(arguments: rules) func theDatabaseEnforcesTheRule(_ rule: Rule) async throws {
        let fixture = try await fixture()
        defer { Task { await fixture.conn.close() } }
        for sql in rule.accepted {
            // Each statement in a transaction rolled back, so rules do not see each other's rows.
            do {
                try await fixture.conn.transaction { tx in
                    _ = try await tx.execute(sql, parameters(sql, fixture.ids))
                    throw CancellationError()
                }
            } catch is CancellationError {
            } catch {
                Issue.record("\(rule.constraint) refused \(sql): \(error)")
            }
        }
        for sql in rule.refused {
            do {
                try await fixture.conn.transaction { tx in _ = try await tx.execute(sql, parameters(sql, fixture.ids)) }
                Issue.record("\(rule.constraint) accepted \(sql)")
            } catch let error as PGError {
                #expect(error.constraint == rule.constraint, "\(sql): \(error)")
                #expect(error.sqlState == .checkViolation || error.sqlState == .foreignKeyViolation, "\(sql): \(error)")
                #expect(ConstraintErrors.translate(error, [:]) != nil, "\(rule.constraint) has a typed error")
            }
        }
    }

    /// The translation knows every rule the schema has: its CHECK and foreign-key constraints
    /// and the constraint names its triggers raise.
    @Test func everyConstraintOfTheSchemaIsTranslated() async throws {
        let conn = try await PGConnection.connect(try await Self.database.configuration())
        defer { Task { await conn.close() } }
        let constraints = try await conn.query("""
            SELECT conname::text FROM pg_constraint
            WHERE conrelid IN ('users'::regclass, 'sessions'::regclass, 'messages'::regclass, 'character_files'::regclass,
                               'memories'::regclass, 'specializations'::regclass)
              AND contype IN ('c', 'f', 'u')
            """).map { try $0.decode(String.self, at: 0) }
        let raised = try await conn.query("""
            SELECT (regexp_matches(prosrc, 'CONSTRAINT = ''([a-z_]+)''', 'g'))[1] FROM pg_proc WHERE proname LIKE 'pgkit_%'
            """).map { try $0.decode(String.self, at: 0) }
        #expect(raised.count >= 5)
        // Not rules a caller breaks: an invariant only the triggers write, and a key the upsert handles.
        let invariants: Set<String> = ["sessions_message_count_nonnegative", "character_files_session_id_key"]
        let untranslated = Set(constraints + raised).subtracting(invariants).subtracting(ConstraintErrors.translatedConstraints)
        #expect(untranslated.isEmpty, "no typed error for \(untranslated.sorted())")
        for name in ConstraintErrors.translatedConstraints {
            var error = PGError(.server, "violation", sqlState: .checkViolation)
            error.constraint = name
            #expect(ConstraintErrors.translate(error, [:]) != nil, "\(name)")
        }
        // 0001's rules have their tests with the repositories that existed then.
        let older: Set<String> = ["users_email_key", "users_email_format", "specializations_name_key", "messages_role_check",
                                  "sessions_user_id_fkey", "messages_session_id_fkey", "character_files_session_id_fkey",
                                  "memories_user_id_fkey", "memories_session_id_fkey"]
        let tested = Set(Self.rules.map(\.constraint)).union(["messages_thread_level_range"])
        let untested = Set(constraints + raised).subtracting(invariants).subtracting(older).subtracting(tested)
        #expect(untested.isEmpty, "rules without a database test: \(untested.sorted())")
    }

    /// `thread_level` is the parent's plus one; ten levels below the first message is the deepest.
    @Test func threadsAreAtMostTenRepliesDeep() async throws {
        let fixture = try await fixture()
        let conn = fixture.conn
        defer { Task { await conn.close() } }
        var parent = fixture.ids[2] as! UUID
        for level in 1...10 {
            let (id, stored) = try await conn.query("""
                INSERT INTO messages (session_id, role, content, parent_message_id) VALUES ($1, 'user', 'level', $2) RETURNING id, thread_level
                """, [fixture.ids[1], parent]).first!.decode((UUID, Int32).self)
            #expect(stored == Int32(level))
            parent = id
        }
        do {
            try await conn.execute("INSERT INTO messages (session_id, role, content, parent_message_id) VALUES ($1, 'user', 'eleven', $2)", [fixture.ids[1], parent])
            Issue.record("an eleventh level was accepted")
        } catch let error as PGError {
            #expect(error.constraint == "messages_thread_level_range")
            #expect(ConstraintErrors.translate(error, [:]) == .threadTooDeep(limit: 10))
        }
        // Deleting a message orphans its replies (seed 003), which keep their level.
        try await conn.execute("DELETE FROM messages WHERE id = $1", [fixture.ids[2]])
        let orphans = try await conn.query("SELECT parent_message_id, thread_level FROM messages WHERE content = 'level' AND thread_level = 1").first!.decode((UUID?, Int32).self)
        #expect(orphans.0 == nil && orphans.1 == 1)
    }

    /// Rules on columns that held data before 0004 apply to new and changed values: a row
    /// stored before keeps working for unrelated updates.
    @Test func rowsStoredBeforeTheRulesKeepWorking() async throws {
        let fixture = try await fixture()
        let conn = fixture.conn
        defer { Task { await conn.close() } }
        let user = fixture.ids[0], session = fixture.ids[1]
        try await conn.executeScript("ALTER TABLE users DISABLE TRIGGER users_check_name; ALTER TABLE messages DISABLE TRIGGER messages_prepare")
        try await conn.execute("UPDATE users SET name = 'Dr. Who' WHERE id = $1", [user])
        let empty = try await conn.query("INSERT INTO messages (session_id, role, content) VALUES ($1, 'user', '') RETURNING id", [session]).scalar(UUID.self)!
        try await conn.executeScript("ALTER TABLE users ENABLE TRIGGER users_check_name; ALTER TABLE messages ENABLE TRIGGER messages_prepare")
        #expect(try await conn.execute("UPDATE users SET is_active = false, last_active_at = now() WHERE id = $1", [user]) == 1)
        #expect(try await conn.execute("UPDATE messages SET status = 'deleted' WHERE id = $1", [empty]) == 1)
        await #expect(throws: PGError.self) { try await conn.execute("UPDATE users SET name = 'Dr. Who Jr.' WHERE id = $1", [user]) }
        #expect(try await conn.execute("UPDATE users SET name = 'Doctor Who' WHERE id = $1", [user]) == 1)
    }

    /// What the database keeps itself: content from parts, thread levels, the counters and
    /// the edit history, whatever a statement writes into them.
    @Test func derivedColumnsAreTheDatabases() async throws {
        let fixture = try await fixture()
        let conn = fixture.conn
        defer { Task { await conn.close() } }
        let session = fixture.ids[1], message = fixture.ids[2]
        let content = try await conn.query("""
            INSERT INTO messages (session_id, role, content, parts, thread_level, edit_history) VALUES ($1, 'user', 'ignored',
                '[{"type": "text", "text": "Here''s my code:"}, {"type": "code", "language": "ts", "code": "const x = 1;"},
                  {"type": "image", "url": "u"}, {"type": "text", "text": "What do you think?"}, {"type": "file", "fileId": "f", "fileName": "notes.md", "fileType": "text/markdown", "fileSize": 3}]',
                7, '[]') RETURNING content, thread_level
            """, [session]).first!.decode((String, Int32).self)
        #expect(content.0 == "Here's my code: const x = 1; What do you think? notes.md")
        #expect(content.1 == 0, "a message without a parent starts a thread")
        #expect(MessagePart.flattenedText(of: [.text("Here's my code:"), .code(language: "ts", code: "const x = 1;"), .image(url: "u"),
                                               .text("What do you think?"), .file(id: "f", name: "notes.md", mimeType: "text/markdown", size: 3)]) == content.0)
        let level = try await conn.query("INSERT INTO messages (session_id, role, content, parent_message_id, thread_level) VALUES ($1, 'user', 'r', $2, 9) RETURNING thread_level", [session, message]).scalar(Int32.self)
        #expect(level == 1)
        // The counters: a caller's values are replaced.
        let counted = try await conn.query("SELECT count(*)::int4, max(created_at) FROM messages WHERE session_id = $1", [session]).first!.decode((Int32, Date).self)
        try await conn.execute("UPDATE sessions SET message_count = 999, last_message_at = '2000-01-01', title = 'kept' WHERE id = $1", [session])
        let stored = try await conn.query("SELECT message_count, last_message_at, title FROM sessions WHERE id = $1", [session]).first!.decode((Int32, Date?, String?).self)
        #expect(stored.0 == counted.0 && stored.1 == counted.1 && stored.2 == "kept")
        // updated_at is the session's own fields' time: a new message moves last_message_at only.
        let updated = try await conn.query("SELECT updated_at FROM sessions WHERE id = $1", [session]).scalar(Date.self)!
        try await conn.execute("INSERT INTO messages (session_id, role, content) VALUES ($1, 'user', 'later')", [session])
        let after = try await conn.query("SELECT updated_at, last_message_at FROM sessions WHERE id = $1", [session]).first!.decode((Date, Date?).self)
        #expect(after.0 == updated && after.1! > counted.1)
        let inserted = try await conn.query("INSERT INTO sessions (message_count, last_message_at) VALUES (5, now()) RETURNING message_count, last_message_at").first!.decode((Int32, Date?).self)
        #expect(inserted.0 == 0 && inserted.1 == nil)
        // The history: appended on an edit, never written by the statement.
        try await conn.execute("UPDATE messages SET content = 'hello', edit_history = '[]', edited_at = NULL WHERE id = $1", [message])
        try await conn.execute("UPDATE messages SET content = 'hello again', edit_history = '[{\"previousContent\": \"forged\", \"timestamp\": 1}]' WHERE id = $1", [message])
        try await conn.execute("UPDATE messages SET status = 'delivered' WHERE id = $1", [message])
        let history = try await conn.query("SELECT edit_history, edited_at FROM messages WHERE id = $1", [message]).first!.decode((PGJSONValue, Date?).self)
        let edits = try MessageEdit.history(json: history.0)
        #expect(edits.map(\.previousContent) == ["hi", "hello"], "two edits; the status change is not one")
        #expect(history.1 != nil)
        #expect(edits.allSatisfy { abs($0.timestamp.timeIntervalSinceNow) < 60 })
    }
}
