import Foundation
import PGKit

// The models' memberwise initializers as they were before migration 0004 added columns, so
// code that builds models by hand keeps compiling: the new fields take their column defaults.

extension User {
    public init(id: UUID, email: String, name: String?, createdAt: Date, updatedAt: Date) {
        self.init(id: id, email: email, name: name, createdAt: createdAt, updatedAt: updatedAt,
                  image: nil, preferences: [:], isActive: true, lastActiveAt: nil)
    }
}

extension Session {
    public init(id: UUID, userId: UUID?, createdAt: Date, updatedAt: Date, expiresAt: Date?) {
        self.init(id: id, userId: userId, createdAt: createdAt, updatedAt: updatedAt, expiresAt: expiresAt,
                  title: nil, model: nil, systemPrompt: nil, settings: [:], isArchived: false, tags: [],
                  lastMessageAt: nil, messageCount: 0)
    }
}

extension Message {
    public init(id: UUID, sessionId: UUID, role: String, content: String, createdAt: Date) {
        self.init(id: id, sessionId: sessionId, role: role, content: content, createdAt: createdAt,
                  parts: [], metadata: [:], status: MessageStatus.sent.rawValue, parentMessageId: nil, threadLevel: 0,
                  editHistory: [], editedAt: nil)
    }
}
