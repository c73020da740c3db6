import Foundation

/// Making the directories a new cluster needs, in the project when the server's user can enter
/// it, outside it otherwise. Nothing here changes the permissions of a directory it did not
/// create, and what it creates for the server's user is removed again if `initdb` fails.
enum ClusterDirectories {
    /// Where a new cluster goes, and (outside the project) the sentence saying why.
    static func prepareNew(project: URL, outsideRoot: URL, runner: ProcessRunner) async throws -> (ClusterLocation, reason: String?) {
        let state = try makeStateDirectory(of: project)
        if await runner.canEnter(state), let location = try prepareInProject(state: state, runner: runner) {
            return (location, nil)
        }
        let location = try prepareOutside(project: project, root: outsideRoot, runner: runner)
        let user = runner.user ?? "the server's user"
        return (location, "the \(user) user cannot enter \(project.path)")
    }

    /// `<project>/.dbctl`, created (mode 755, owned by whoever runs dbctl) when missing.
    @discardableResult
    static func makeStateDirectory(of project: URL) throws -> URL {
        let state = ClusterRecord.stateDirectory(of: project)
        if !FileManager.default.fileExists(atPath: state.path) {
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            chmod(state.path, 0o755)
        }
        return state
    }

    /// `.dbctl/postgres`, mode 700, given to the server's user; nil when the file system does
    /// not let it be given away (the directory is removed again).
    private static func prepareInProject(state: URL, runner: ProcessRunner) throws -> ClusterLocation? {
        let location = ClusterLocation(directory: state.appendingPathComponent("postgres"), placement: .inProject)
        let existed = FileManager.default.fileExists(atPath: location.directory.path)
        if !existed {
            try FileManager.default.createDirectory(at: location.directory, withIntermediateDirectories: false)
            chmod(location.directory.path, 0o700)
        }
        do {
            try runner.giveOwnership(of: location.directory)
        } catch {
            if !existed { try? FileManager.default.removeItem(at: location.directory) }
            return nil
        }
        return location
    }

    /// A new directory under `root` for `project`, mode 700, owned by the server's user, with
    /// the project's path in its owner file.
    static func prepareOutside(project: URL, root: URL, runner: ProcessRunner) throws -> ClusterLocation {
        try makeTrustedDirectory(root)
        for candidate in OutsideClusterName.candidates(for: project, under: root) {
            let location = ClusterLocation(directory: candidate, placement: .outsideProject)
            if FileManager.default.fileExists(atPath: candidate.path) {
                guard location.owner == project.path, !location.holdsCluster else { continue }
            } else {
                try FileManager.default.createDirectory(at: candidate, withIntermediateDirectories: false)
            }
            chmod(candidate.path, 0o700)
            try (project.path + "\n").write(to: location.ownerFile, atomically: true, encoding: .utf8)
            try runner.giveOwnership(of: candidate)
            return location
        }
        throw LocalClusterError.noClusterDirectory(root: root.path)
    }

    /// Creates `directory` and its parents (mode 755) as needed, and checks each is a real
    /// directory only its owner, this user or root, can write to: a directory someone else
    /// could swap things into is refused, never used.
    private static func makeTrustedDirectory(_ directory: URL) throws {
        var missing: [URL] = []
        var current = directory
        while !FileManager.default.fileExists(atPath: current.path), current.path != "/" {
            missing.insert(current, at: 0)
            current = current.deletingLastPathComponent()
        }
        for url in missing {
            if mkdir(url.path, 0o755) != 0 && errno != EEXIST {
                throw LocalClusterError.commandFailed(command: "mkdir \(url.path)", output: String(cString: strerror(errno)))
            }
            chmod(url.path, 0o755)
        }
        var info = stat()
        guard lstat(directory.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
              info.st_uid == geteuid() || info.st_uid == 0, info.st_mode & 0o022 == 0 else {
            throw LocalClusterError.untrustedDirectory(directory.path)
        }
    }
}
