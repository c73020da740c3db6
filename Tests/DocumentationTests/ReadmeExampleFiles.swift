import Foundation

/// Turns every ```swift block of README.md into a Swift file that this test target compiles,
/// so a block that does not compile as printed fails the build.
///
/// Each block becomes the body of an `async throws` function whose parameters are the names
/// README's examples use without defining (`conn`, `db`, `id`...; their types come from type
/// aliases in another file, so they need no import). The file imports exactly what the block
/// imports; a block without import lines continues the one before it and gets its imports.
/// Blocks that are Package.swift fragments (`.package(...)`, `let package`) are compiled as a
/// manifest would see them: not here. The blocks of "Use PGKit in your app" are an app's code
/// (its generated `Tag` model): `scripts/test-app` builds them in a new app package.
enum ReadmeExampleFiles {
    /// The names examples may use without defining, with the alias of their type.
    static let parameters: [(name: String, type: String)] = [
        ("conn", "ReadmeConnection"), ("pool", "ReadmePool"), ("db", "ReadmeDatabase"), ("config", "ReadmeConfig"),
        ("id", "ReadmeUUID"), ("userID", "ReadmeUUID"), ("sessionID", "ReadmeUUID"), ("email", "String"),
        ("texts", "[String]"), ("notes", "[ReadmeNote]"), ("floats", "[Float]"), ("batch", "[ReadmeMemoryInsert]"),
        ("ids", "[ReadmeUUID]"), ("embedding", "ReadmePGVector"),
    ]

    struct Block {
        let number: Int
        let line: Int
        let lines: [String]
    }

    /// The section whose blocks are an app's, compiled by `scripts/test-app`.
    static let appSection = "## Use PGKit in your app"

    static func blocks(in readme: String) -> [Block] {
        var blocks: [Block] = []
        var current: [String]?
        var start = 0
        var inAppSection = false
        for (index, line) in readme.components(separatedBy: "\n").enumerated() {
            if current == nil, line.hasPrefix("## ") { inAppSection = line == appSection }
            if inAppSection { continue }
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
                start = index + 2
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(Block(number: blocks.count + 1, line: start, lines: current!))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    static func isManifestFragment(_ block: Block) -> Bool {
        block.lines.contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix(".package(") || trimmed.hasPrefix("let package") || trimmed.hasPrefix("// swift-tools-version")
                || trimmed.hasPrefix(".product(") || trimmed.hasPrefix(".target(") || trimmed.hasPrefix(".executableTarget(")
        }
    }

    /// The generated files, by name.
    static func files(for readme: String) -> [(name: String, contents: String)] {
        var files: [(String, String)] = []
        var imports = ["Repositories"]
        for block in blocks(in: readme) where !isManifestFragment(block) {
            let own = block.lines.filter { $0.hasPrefix("import ") }.map { String($0.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            if !own.isEmpty { imports = own }
            let body = block.lines.filter { !$0.hasPrefix("import ") }
            var text = "// Generated from README.md (Swift example \(block.number), line \(block.line)) by DocumentationTests.\n"
            text += "// Do not edit: change README.md and run scripts/readme-examples.\n\n"
            text += imports.map { "import \($0)\n" }.joined()
            let parameters = Self.parameters.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
            text += "\nfunc readmeExample\(block.number)(\(parameters)) async throws {\n"
            text += body.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n}\n"
            files.append((String(format: "ReadmeExample%02d.swift", block.number), text))
        }
        return files
    }
}
