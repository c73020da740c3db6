import Foundation

/// Finding a project's existing cluster: in `.dbctl/postgres`, where `.dbctl/cluster-directory`
/// says, or (when that record is gone, say after `git clean -x`) in the directory under the
/// outside root whose owner file names the project. Reads only; changes nothing.
enum ClusterLookup: Equatable {
    /// A cluster exists there. `movedFrom` is the path its owner file names when that is
    /// another path which no longer claims it: the project was moved, and its cluster with it.
    case found(ClusterLocation, movedFrom: String?)
    /// No cluster for this project yet; `note` says why a recorded one is not used.
    case notCreated(note: String?)

    static func find(project: URL, outsideRoot: URL) -> ClusterLookup {
        let inProject = ClusterLocation(directory: ClusterRecord.stateDirectory(of: project).appendingPathComponent("postgres"),
                                        placement: .inProject)
        if inProject.holdsCluster { return .found(inProject, movedFrom: nil) }
        var note: String?
        if let recorded = ClusterRecord.read(project: project) {
            let location = ClusterLocation(directory: recorded, placement: .outsideProject)
            if !location.holdsCluster {
                note = "\(ClusterRecord.displayPath) names \(recorded.path), which no longer holds a cluster"
            } else if let owner = location.owner, owner != project.path {
                if ClusterRecord.read(project: URL(fileURLWithPath: owner))?.path == recorded.path {
                    return .notCreated(note: "\(recorded.path) is the local cluster of \(owner), which this project is a copy of")
                }
                return .found(location, movedFrom: owner)
            } else {
                return .found(location, movedFrom: nil)
            }
        }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: outsideRoot.path) {
            let named = OutsideClusterName.candidates(for: project, under: outsideRoot).map(\.lastPathComponent)
            for name in named.filter(names.contains) + names.sorted() {
                let location = ClusterLocation(directory: outsideRoot.appendingPathComponent(name), placement: .outsideProject)
                if location.owner == project.path && location.holdsCluster { return .found(location, movedFrom: nil) }
            }
        }
        return .notCreated(note: note)
    }
}

/// `.dbctl/cluster-directory`: one line, the absolute path of the project's cluster when it
/// lives outside the project. Written by whoever runs dbctl (never the server's user).
enum ClusterRecord {
    static let displayPath = ".dbctl/cluster-directory"

    static func stateDirectory(of project: URL) -> URL { project.appendingPathComponent(".dbctl") }

    static func file(of project: URL) -> URL { stateDirectory(of: project).appendingPathComponent("cluster-directory") }

    static func read(project: URL) -> URL? {
        guard let text = try? String(contentsOf: file(of: project), encoding: .utf8) else { return nil }
        let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : nil
    }

    static func write(_ directory: URL, project: URL) throws {
        try ClusterDirectories.makeStateDirectory(of: project)
        try (directory.path + "\n").write(to: file(of: project), atomically: true, encoding: .utf8)
    }

    static func remove(project: URL) {
        try? FileManager.default.removeItem(at: file(of: project))
    }
}
