import Foundation
import PGKit
import Repositories
import Testing

/// Seed 004's per-user operations: one preference key at a time, bulk updates by ids that
/// never touch another user's rows, and aggregates checked against counts made by hand.
@Suite struct BulkAndAggregateTests {
    static let database = ChatDatabase("bulk_aggregates")

    @Test func onePreferenceChangesAtATime() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail(), preferences: UserPreferences(language: "en"))
            let other = try await db.users.create(email: uniqueEmail(), preferences: UserPreferences(theme: .light))
            #expect(try await db.users.setPreference(.theme(.dark), userId: user.id) == UserPreferences(theme: .dark, language: "en"))
            #expect(try await db.users.setPreference(.enableNotifications(true), userId: user.id)
                    == UserPreferences(theme: .dark, language: "en", enableNotifications: true))
            #expect(try await db.users.setPreference(.language("pt-BR"), userId: user.id).language == "pt-BR")
            #expect(try await db.users.removePreference(.theme, userId: user.id) == UserPreferences(language: "pt-BR", enableNotifications: true))
            #expect(try await db.users.setPreference(.defaultModel("gpt-4o"), userId: user.id).defaultModel == "gpt-4o")
            #expect(try await db.users.find(id: other.id)?.decodedPreferences() == UserPreferences(theme: .light), "another user's preferences are untouched")
            let active = try await db.users.recordActivity(userId: user.id)
            #expect(active.isActive && active.lastActiveAt.map { abs($0.timeIntervalSinceNow) < 60 } == true)
        }
    }

    @Test func bulkUpdatesNeverTouchAnotherUsersRows() async throws {
        try await Self.database.with { db throws in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let bob = try await db.users.create(email: uniqueEmail("bob"))
            var adas: [Session] = [], bobs: [Session] = []
            for _ in 0..<4 { adas.append(try await db.sessions.createSession(userId: ada.id)) }
            for _ in 0..<3 { bobs.append(try await db.sessions.createSession(userId: bob.id)) }
            let anonymous = try await db.sessions.createSession()
            // Ada's first three, Bob's three, an anonymous session, an unknown id and a duplicate.
            let mixed = adas.prefix(3).map(\.id) + bobs.map(\.id) + [anonymous.id, UUID(), adas[0].id]
            #expect(try await db.sessions.archive(mixed, userId: ada.id) == 3, "only Ada's three changed")
            #expect(try await db.sessions.archive(mixed, userId: ada.id) == 0, "already archived: nothing changes")
            let archived = try await db.pool.query("SELECT id FROM sessions WHERE is_archived ORDER BY id").map { try $0.decode(UUID.self, at: 0) }
            #expect(Set(archived) == Set(adas.prefix(3).map(\.id)), "Bob's and the anonymous session are not archived")
            #expect(try await db.sessions.unarchive([adas[1].id, adas[3].id, bobs[0].id], userId: ada.id) == 1)
            #expect(try await db.sessions.unarchive([], userId: ada.id) == 0)
            #expect(Set(try await db.sessions.dashboard(userId: ada.id).items.map(\.session.id)) == [adas[1].id, adas[3].id])

            var adaMessages: [UUID] = [], bobMessages: [UUID] = []
            for index in 0..<5 { adaMessages.append(try await db.messages.createMessage(content: "a\(index)", role: .user, sessionId: adas[index % 4].id).id) }
            for index in 0..<4 { bobMessages.append(try await db.messages.createMessage(content: "b\(index)", role: .user, sessionId: bobs[index % 3].id).id) }
            let ids = adaMessages.prefix(4) + bobMessages + [UUID()]
            #expect(try await db.messages.markStatus(.delivered, ids: Array(ids), userId: ada.id) == 4)
            #expect(try await db.messages.markStatus(.delivered, ids: Array(ids), userId: ada.id) == 0)
            #expect(try await db.messages.markStatus(.deleted, ids: [adaMessages[0], adaMessages[4], bobMessages[0]], userId: ada.id) == 2)
            let statuses = try await db.pool.query("SELECT content, status FROM messages WHERE id = ANY(\(adaMessages + bobMessages)) ORDER BY content").map { try $0.decode((String, String).self) }
            #expect(statuses.map { "\($0.0):\($0.1)" } == ["a0:deleted", "a1:delivered", "a2:delivered", "a3:delivered", "a4:deleted",
                                                             "b0:sent", "b1:sent", "b2:sent", "b3:sent"])
        }
    }

    @Test func aggregatesMatchCountsMadeByHand() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail("agg"))
            let other = try await db.users.create(email: uniqueEmail("noise"))
            let sessions = [try await db.sessions.createSession(userId: user.id, title: "one"), try await db.sessions.createSession(userId: user.id, title: "two"),
                            try await db.sessions.createSession(userId: user.id, title: "empty")]
            let noise = try await db.sessions.createSession(userId: other.id)
            // Deterministic messages: a role, a session, a day and tokens for each.
            var random = SplitMix64(seed: 2026)
            let days = ["2026-03-01T10:00:00Z", "2026-03-01T23:30:00Z", "2026-03-02T08:00:00Z", "2026-03-04T16:00:00Z"]
            struct Made { let role: MessageRole; let session: Int; let day: String; let tokens: MessageMetadata.TokenUsage? }
            var made: [Made] = []
            for _ in 0..<60 {
                let role = MessageRole.allCases[Int(random.next() % 3)]
                let session = Int(random.next() % 2)
                let day = days[Int(random.next() % UInt64(days.count))]
                let tokens = random.next() % 4 == 0 ? nil : MessageMetadata.TokenUsage(prompt: Int(random.next() % 500), completion: Int(random.next() % 900))
                let message = try await db.messages.createMessage(content: "m", role: role, sessionId: sessions[session].id, metadata: MessageMetadata(tokens: tokens))
                try await db.pool.execute("UPDATE messages SET created_at = \(day)::timestamptz WHERE id = \(message.id)")
                made.append(Made(role: role, session: session, day: day, tokens: tokens))
            }
            for _ in 0..<7 {
                _ = try await db.messages.createMessage(content: "noise", role: .system, sessionId: noise.id,
                                                        metadata: MessageMetadata(tokens: .init(prompt: 1000, completion: 1000)))
            }
            // Messages per role.
            var byRole = Dictionary(uniqueKeysWithValues: MessageRole.allCases.map { ($0, 0) })
            for message in made { byRole[message.role, default: 0] += 1 }
            #expect(try await db.messages.messageCountsByRole(userId: user.id) == byRole)

            // Tokens per UTC day, and per Tokyo day (UTC+9: 23:30 on the 1st is the 2nd there, 16:00 on the 4th the 5th).
            func byDay(_ dayOf: (String) -> String) -> [String: (messages: Int, prompt: Int, completion: Int, total: Int)] {
                var days: [String: (messages: Int, prompt: Int, completion: Int, total: Int)] = [:]
                for message in made {
                    guard let tokens = message.tokens else { continue }
                    var day = days[dayOf(message.day), default: (0, 0, 0, 0)]
                    day.messages += 1
                    day.prompt += tokens.prompt
                    day.completion += tokens.completion
                    day.total += tokens.total
                    days[dayOf(message.day)] = day
                }
                return days
            }
            func compare(_ usage: [MessageRepository.DailyTokenUsage], _ expected: [String: (messages: Int, prompt: Int, completion: Int, total: Int)]) {
                #expect(usage.map(\.day.description) == expected.keys.sorted())
                for day in usage {
                    let hand = expected[day.day.description]
                    #expect(hand?.messages == day.messages && hand?.prompt == day.prompt && hand?.completion == day.completion && hand?.total == day.total,
                            "\(day.day)")
                }
            }
            compare(try await db.messages.tokenUsageByDay(userId: user.id), byDay { String($0.prefix(10)) })
            let tokyoDay = { (day: String) in ["2026-03-01T10:00:00Z": "2026-03-01", "2026-03-01T23:30:00Z": "2026-03-02",
                                               "2026-03-02T08:00:00Z": "2026-03-02", "2026-03-04T16:00:00Z": "2026-03-05"][day]! }
            compare(try await db.messages.tokenUsageByDay(userId: user.id, timeZone: TimeZone(identifier: "Asia/Tokyo")!), byDay(tokyoDay))
            compare(try await db.messages.tokenUsageByDay(userId: user.id, timeZone: TimeZone(secondsFromGMT: 9 * 3600)!), byDay(tokyoDay))
            let honolulu = { (day: String) in ["2026-03-01T10:00:00Z": "2026-03-01", "2026-03-01T23:30:00Z": "2026-03-01",
                                               "2026-03-02T08:00:00Z": "2026-03-01", "2026-03-04T16:00:00Z": "2026-03-04"][day]! }
            compare(try await db.messages.tokenUsageByDay(userId: user.id, timeZone: TimeZone(secondsFromGMT: -10 * 3600)!), byDay(honolulu))

            // Message counts per session, kept by the database through inserts, deletes and moves.
            let victim = try await db.messages.messages(inSession: sessions[0].id, page: PageRequest(limit: 3)).items
            for message in victim.prefix(2) { try await db.messages.delete(id: message.id) }
            try await db.pool.execute("UPDATE messages SET session_id = \(sessions[2].id) WHERE id = \(victim[2].id)")
            try await db.pool.copyIn(table: "messages", columns: ["session_id", "role", "content"],
                                     rows: (0..<25).map { [sessions[1].id, "user", "copied \($0)"] as [any PGEncodable] })
            let counts = try await db.sessions.messageCounts(userId: user.id)
            let hand = try await db.pool.query("""
                SELECT s.id, count(m.id), max(m.created_at) FROM sessions s LEFT JOIN messages m ON m.session_id = s.id
                WHERE s.user_id = \(user.id) GROUP BY s.id
                """).reduce(into: [UUID: (Int64, Date?)]()) { $0[try $1.decode(UUID.self, at: 0)] = (try $1.decode(Int64.self, at: 1), try $1.decode(Date?.self, at: 2)) }
            #expect(counts.count == 3)
            for count in counts {
                #expect(Int64(count.messages) == hand[count.sessionId]?.0, "\(count.title ?? "")")
                #expect(count.lastMessageAt == hand[count.sessionId]?.1, "\(count.title ?? "")")
            }
            #expect(counts.map(\.messages) == counts.map(\.messages).sorted(by: >), "most messages first")
            #expect(counts.first { $0.title == "empty" }?.messages == 1)
        }
    }
}
