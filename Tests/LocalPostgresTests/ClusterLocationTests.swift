import Foundation
@testable import LocalPostgres
import Testing

/// Where a project's cluster is found, decided from files alone: no server, no user switch.
/// Each test lays out a project, an outside root and fake clusters (a `data/PG_VERSION`) in a
/// temporary directory of its own.
struct ClusterLocationTests {
    struct Layout {
        let base: URL
        var root: URL { base.appendingPathComponent("clusters") }

        init() throws {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-location-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: base.appendingPathComponent("clusters"), withIntermediateDirectories: true)
        }

        func project(_ name: String) throws -> URL {
            let url = base.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }

        /// A directory under the root that looks like a created cluster owned by `owner`.
        @discardableResult
        func outsideCluster(_ name: String, owner: URL) throws -> URL {
            let directory = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
            try "15\n".write(to: directory.appendingPathComponent("data/PG_VERSION"), atomically: true, encoding: .utf8)
            try (owner.path + "\n").write(to: directory.appendingPathComponent("project"), atomically: true, encoding: .utf8)
            return directory
        }

        func lookup(_ project: URL) -> ClusterLookup { ClusterLookup.find(project: project, outsideRoot: root) }

        func remove() { try? FileManager.default.removeItem(at: base) }
    }

    @Test func aProjectWithNothingRecordedHasNoCluster() throws {
        let layout = try Layout()
        defer { layout.remove() }
        #expect(layout.lookup(try layout.project("app")) == .notCreated(note: nil))
    }

    @Test func aRecordedOutsideDirectoryIsTheCluster() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let project = try layout.project("app")
        let directory = try layout.outsideCluster("app-1", owner: project)
        try ClusterRecord.write(directory, project: project)
        #expect(layout.lookup(project) == .found(ClusterLocation(directory: directory, placement: .outsideProject), movedFrom: nil))
    }

    @Test func aRecordWhoseDirectoryIsGoneCountsAsNotCreatedAndSaysSo() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let project = try layout.project("app")
        try ClusterRecord.write(layout.root.appendingPathComponent("deleted"), project: project)
        guard case .notCreated(let note?) = layout.lookup(project) else {
            Issue.record("a stale record should be reported")
            return
        }
        #expect(note.contains("no longer holds a cluster"))
        #expect(note.contains(layout.root.appendingPathComponent("deleted").path))
    }

    @Test func aMovedProjectKeepsItsCluster() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let old = try layout.project("old")
        let directory = try layout.outsideCluster("old-1", owner: old)
        try ClusterRecord.write(directory, project: old)
        let moved = layout.base.appendingPathComponent("new")
        try FileManager.default.moveItem(at: old, to: moved)
        #expect(layout.lookup(moved) == .found(ClusterLocation(directory: directory, placement: .outsideProject), movedFrom: old.path))
    }

    @Test func aCopiedProjectDoesNotShareTheOriginalsCluster() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let original = try layout.project("original")
        let directory = try layout.outsideCluster("original-1", owner: original)
        try ClusterRecord.write(directory, project: original)
        let copy = try layout.project("copy")
        try ClusterRecord.write(directory, project: copy)
        guard case .notCreated(let note?) = layout.lookup(copy) else {
            Issue.record("a copy must not use the original's cluster")
            return
        }
        #expect(note.contains("copy"))
        #expect(layout.lookup(original) == .found(ClusterLocation(directory: directory, placement: .outsideProject), movedFrom: nil))
    }

    @Test func aLostRecordIsFoundAgainThroughTheOwnerFile() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let project = try layout.project("app")
        let other = try layout.project("other")
        try layout.outsideCluster("aaa-other", owner: other)
        let directory = try layout.outsideCluster("zzz-app", owner: project)
        #expect(layout.lookup(project) == .found(ClusterLocation(directory: directory, placement: .outsideProject), movedFrom: nil))
    }

    @Test func aClusterInTheProjectWinsOverARecord() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let project = try layout.project("app")
        let inside = project.appendingPathComponent(".dbctl/postgres")
        try FileManager.default.createDirectory(at: inside.appendingPathComponent("data"), withIntermediateDirectories: true)
        try "15\n".write(to: inside.appendingPathComponent("data/PG_VERSION"), atomically: true, encoding: .utf8)
        try ClusterRecord.write(try layout.outsideCluster("app-1", owner: project), project: project)
        #expect(layout.lookup(project) == .found(ClusterLocation(directory: inside, placement: .inProject), movedFrom: nil))
    }

    @Test func newOutsideDirectoriesAreNamedAfterTheFolderAndAHashOfThePath() {
        let root = URL(fileURLWithPath: "/var/lib/pgkit/clusters")
        let first = OutsideClusterName.candidates(for: URL(fileURLWithPath: "/root/app"), under: root)
        let second = OutsideClusterName.candidates(for: URL(fileURLWithPath: "/home/ada/app"), under: root)
        #expect(first[0].lastPathComponent.hasPrefix("app-"))
        #expect(first[0] != second[0], "two projects with one folder name get two directories")
        #expect(first[0] == OutsideClusterName.candidates(for: URL(fileURLWithPath: "/root/app"), under: root)[0], "stable")
        #expect(OutsideClusterName.readableName("my app/ü") == "my_app__")
    }

    @Test func aDirectoryTakenByAnotherProjectIsSkippedForANewCluster() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let project = try layout.project("app")
        let taken = OutsideClusterName.candidates(for: project, under: layout.root)[0]
        try layout.outsideCluster(taken.lastPathComponent, owner: try layout.project("someone-else"))
        let location = try ClusterDirectories.prepareOutside(project: project, root: layout.root, runner: ProcessRunner(user: nil))
        #expect(location.directory.path == OutsideClusterName.candidates(for: project, under: layout.root)[1].path)
        #expect(location.owner == project.path)
    }

    @Test func anOutsideRootOthersCanWriteToIsRefused() throws {
        let layout = try Layout()
        defer { layout.remove() }
        chmod(layout.root.path, 0o777)
        #expect(throws: LocalClusterError.untrustedDirectory(layout.root.path)) {
            try ClusterDirectories.prepareOutside(project: try layout.project("app"), root: layout.root, runner: ProcessRunner(user: nil))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout.root.path).isEmpty)
    }
}
