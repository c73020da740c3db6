import PGKit

/// Every repository, bound to one place to run statements: the pool, or one transaction.
public struct ChatRepositories: Sendable {
    public let users: UserRepository
    public let sessions: SessionRepository
    public let messages: MessageRepository
    public let characterFiles: CharacterFileRepository
    public let memories: MemoryRepository
    public let specializations: SpecializationRepository

    init(_ context: RepositoryContext) {
        users = UserRepository(context: context)
        sessions = SessionRepository(context: context)
        messages = MessageRepository(context: context)
        characterFiles = CharacterFileRepository(context: context)
        memories = MemoryRepository(context: context)
        specializations = SpecializationRepository(context: context)
    }
}
