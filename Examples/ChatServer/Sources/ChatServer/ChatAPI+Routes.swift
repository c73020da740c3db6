import Foundation
import Hummingbird
import PGKit
import Repositories

extension ChatAPI {
    func addUserRoutes(to router: Router<BasicRequestContext>) {
        // Sign-up: no caller yet; the new user's id is chosen here so the insert can act for it.
        router.post("users") { request, context in
            let body = try await request.decode(as: CreateUser.self, context: context)
            let user = try await database.users.create(email: body.email, name: body.name, id: UUID())
            return EditedResponse(status: .created, response: JSONBody(user))
        }
        router.get("me") { request, _ in
            let caller = try CallerIdentity.require(request)
            guard let user = try await database.asUser(caller, { try await $0.users.find(id: caller) }) else {
                throw RepositoryError.unknownUser(caller)
            }
            return JSONBody(user)
        }
    }

    func addSessionRoutes(to router: Router<BasicRequestContext>) {
        router.post("sessions") { request, context in
            let caller = try CallerIdentity.require(request)
            let body = try await request.decode(as: CreateSession.self, context: context)
            let session = try await database.asUser(caller) { try await $0.sessions.createSession(userId: caller, title: body.title, model: body.model) }
            return EditedResponse(status: .created, response: JSONBody(session))
        }
        router.get("sessions") { request, _ in
            let caller = try CallerIdentity.require(request)
            let page = try await database.asUser(caller) { try await $0.sessions.sessions(forUser: caller, page: Self.pageRequest(request)) }
            return JSONBody(PageBody(items: page.items, nextCursor: page.nextCursor))
        }
        router.delete("sessions/:id") { request, context in
            let caller = try CallerIdentity.require(request)
            let id = try context.uuid("id")
            try await database.asUser(caller) { repositories in
                _ = try await Self.requireSession(id, of: caller, in: repositories)
                try await repositories.sessions.delete(id: id)
            }
            return HTTPResponse.Status.noContent
        }
    }

    func addMessageRoutes(to router: Router<BasicRequestContext>) {
        router.post("sessions/:id/messages") { request, context in
            let caller = try CallerIdentity.require(request)
            let id = try context.uuid("id")
            let body = try await request.decode(as: CreateMessage.self, context: context)
            let message = try await database.asUser(caller) { repositories in
                _ = try await Self.requireSession(id, of: caller, in: repositories)
                return try await repositories.messages.createMessage(content: body.content, role: body.role, sessionId: id)
            }
            return EditedResponse(status: .created, response: JSONBody(message))
        }
        router.get("sessions/:id/messages") { request, context in
            let caller = try CallerIdentity.require(request)
            let id = try context.uuid("id")
            let page = try await database.asUser(caller) { repositories in
                _ = try await Self.requireSession(id, of: caller, in: repositories)
                return try await repositories.messages.messages(inSession: id, page: Self.pageRequest(request))
            }
            return JSONBody(PageBody(items: page.items, nextCursor: page.nextCursor))
        }
        router.get("search") { request, _ in
            let caller = try CallerIdentity.require(request)
            guard let text = request.uri.queryParameters.get("q"), !text.isEmpty else {
                throw HTTPError(.badRequest, message: "search needs ?q=")
            }
            let hits = try await database.asUser(caller) { try await $0.messages.search(text, userId: caller) }
            return JSONBody(hits.map { MessageHit(message: $0.message, rank: $0.rank) })
        }
    }

    func addCharacterFileRoutes(to router: Router<BasicRequestContext>) {
        router.put("sessions/:id/character-file") { request, context in
            let caller = try CallerIdentity.require(request)
            let id = try context.uuid("id")
            let content = try await request.decode(as: PGJSONValue.self, context: context)
            let file = try await database.asUser(caller) { repositories in
                _ = try await Self.requireSession(id, of: caller, in: repositories)
                return try await repositories.characterFiles.upsert(sessionId: id, content: content)
            }
            return JSONBody(file)
        }
        router.get("sessions/:id/character-file") { request, context in
            let caller = try CallerIdentity.require(request)
            let id = try context.uuid("id")
            let file = try await database.asUser(caller) { repositories in
                _ = try await Self.requireSession(id, of: caller, in: repositories)
                return try await repositories.characterFiles.find(sessionId: id)
            }
            guard let file else { throw HTTPError(.notFound, message: "session \(id) has no character file") }
            return JSONBody(file)
        }
    }

    func addMemoryRoutes(to router: Router<BasicRequestContext>) {
        router.post("memories") { request, context in
            let caller = try CallerIdentity.require(request)
            let body = try await request.decode(as: CreateMemory.self, context: context)
            let memory = try await database.asUser(caller) {
                try await $0.memories.create(content: body.content, userId: caller, sessionId: body.sessionId, embedding: body.embedding)
            }
            return EditedResponse(status: .created, response: JSONBody(MemoryHit(id: memory.id, content: memory.content, similarity: 1)))
        }
        router.post("memories/search") { request, context in
            let caller = try CallerIdentity.require(request)
            let body = try await request.decode(as: SearchMemories.self, context: context)
            let embedding = try MemoryRepository.vector(body.embedding)
            let hits = try await database.asUser(caller) {
                try await $0.memories.findSimilarMemories(to: embedding, userId: caller, limit: min(max(body.limit ?? 5, 1), 50))
            }
            return JSONBody(hits.map { MemoryHit(id: $0.memory.id, content: $0.memory.content, similarity: $0.similarity) })
        }
    }

    func addSpecializationRoutes(to router: Router<BasicRequestContext>) {
        router.post("specializations") { request, context in
            _ = try CallerIdentity.require(request)
            let body = try await request.decode(as: CreateSpecialization.self, context: context)
            let specialization = try await database.specializations.create(name: body.name, description: body.description, modelPath: body.modelPath)
            return EditedResponse(status: .created, response: JSONBody(specialization))
        }
        router.get("specializations") { request, _ in
            _ = try CallerIdentity.require(request)
            let page = try await database.specializations.list(Self.pageRequest(request))
            return JSONBody(PageBody(items: page.items, nextCursor: page.nextCursor))
        }
    }
}
