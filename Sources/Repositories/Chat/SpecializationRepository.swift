import Foundation
import PGKit

/// Model specializations: create, find by name, list, update, delete.
public struct SpecializationRepository: Sendable {
    let context: RepositoryContext
    private var store: RecordStore<Specialization> { context.store(Specialization.self) }

    public func create(name: String, description: String? = nil, modelPath: String) async throws -> Specialization {
        try await ConstraintErrors.translating(["name": name]) {
            try await store.insert(SpecializationInsert(name: name, description: description, modelPath: modelPath))
        }
    }

    public func find(id: UUID) async throws -> Specialization? { try await store.find(id) }

    public func find(name: String) async throws -> Specialization? {
        let rows = try await LiveReads.declaring([.rows(of: "specializations", where: [.equals("name", name)])]) {
            try await context.executor.query("SELECT \(unescaped: Specialization.selectList) FROM specializations WHERE name = \(name)")
        }
        return try rows.first.map(Specialization.init(row:))
    }

    public func list(_ page: PageRequest = PageRequest()) async throws -> Page<Specialization> {
        try await store.list(orderBy: RecordOrder("name"), page: page)
    }

    public func update(id: UUID, _ changes: SpecializationUpdate) async throws -> Specialization {
        var values: [String: String] = [:]
        if case .set(let name) = changes.name { values["name"] = name }
        return try await ConstraintErrors.translating(values) { try await store.update(id, changes) }
    }

    public func delete(id: UUID) async throws { try await store.delete(id) }
}
