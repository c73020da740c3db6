import PGKit

/// One part of a message (`messages.parts`, seed 003's `MessagePart`): text, an image, code or
/// a file. A message with parts keeps their text in `content`, where search finds it
/// (``flattenedText(of:)``: text, code, image alt text and file names, joined by spaces).
///
/// ```swift
/// let message = try await db.messages.createMessage(parts: [
///     .text("Here's my code:"), .code(language: "typescript", code: "const x = 1;"), .text("What do you think?"),
/// ], role: .user, sessionId: session.id)
/// print(message.content)                  // Here's my code: const x = 1; What do you think?
/// let parts = try message.decodedParts()  // the same three parts
/// ```
public enum MessagePart: Hashable, Sendable, Codable {
    case text(String)
    /// An image by URL (1-2,048 characters), with optional alt text (searchable, at most 1,000
    /// characters) and size in pixels (1-100,000 each).
    case image(url: String, alt: String? = nil, width: Int? = nil, height: Int? = nil)
    /// Source code in `language` (1-50 characters), optionally from a file (1-255 characters).
    case code(language: String, code: String, filename: String? = nil)
    /// A stored file: its id in your file storage and its name (1-255 characters each), MIME
    /// type (`image/png`) and size in bytes (at most 100 MB, 104,857,600 bytes).
    case file(id: String, name: String, mimeType: String, size: Int64)

    public static let imageURLLength = 1...2048
    public static let altTextLength = 0...1000
    public static let imageSideRange: ClosedRange<Double> = 1...100_000
    public static let languageLength = 1...50
    public static let fileNameLength = 1...255
    public static let fileIDLength = 1...255
    public static let fileSizeRange: ClosedRange<Double> = 0...104_857_600

    /// The text this part gives the message's `content`, when it gives any.
    public var searchableText: String? {
        switch self {
        case .text(let text): return text
        case .code(_, let code, _): return code
        case .image(_, let alt, _, _): return alt
        case .file(_, let name, _, _): return name
        }
    }

    /// What `content` holds for a message with these parts (the database computes the same).
    public static func flattenedText(of parts: [MessagePart]) -> String {
        parts.compactMap(\.searchableText).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Throws the typed error for the first part (or the list) outside its rules.
    public static func validate(_ parts: [MessagePart], field: String = "messages.parts") throws(RepositoryError) {
        guard parts.count <= ChatRules.maximumParts else {
            throw .tooManyItems(field: field, limit: ChatRules.maximumParts, count: parts.count)
        }
        for (index, part) in parts.enumerated() { try part.validate(field: "\(field)[\(index)]") }
        let length = flattenedText(of: parts).unicodeScalars.count
        guard length <= MessageRepository.maximumContentLength else {
            throw .contentTooLong(limit: MessageRepository.maximumContentLength, length: length)
        }
    }

    func validate(field: String) throws(RepositoryError) {
        switch self {
        case .text(let text):
            try ChatRules.checkLength(text, "\(field).text", 0...MessageRepository.maximumContentLength)
        case .image(let url, let alt, let width, let height):
            try ChatRules.checkLength(url, "\(field).url", Self.imageURLLength)
            if let alt { try ChatRules.checkLength(alt, "\(field).alt", Self.altTextLength) }
            if let width { try ChatRules.checkRange(width, "\(field).width", Self.imageSideRange) }
            if let height { try ChatRules.checkRange(height, "\(field).height", Self.imageSideRange) }
        case .code(let language, let code, let filename):
            try ChatRules.checkLength(language, "\(field).language", Self.languageLength)
            try ChatRules.checkLength(code, "\(field).code", 0...MessageRepository.maximumContentLength)
            if let filename { try ChatRules.checkLength(filename, "\(field).filename", Self.fileNameLength) }
        case .file(let id, let name, let mimeType, let size):
            try ChatRules.checkLength(id, "\(field).fileId", Self.fileIDLength)
            try ChatRules.checkLength(name, "\(field).fileName", Self.fileNameLength)
            try ChatRules.checkMIMEType(mimeType, "\(field).fileType")
            try ChatRules.checkRange(Double(size), "\(field).fileSize", Self.fileSizeRange)
        }
    }

    /// The part as stored: an object with `type` and seed 003's member names.
    public var json: PGJSONValue {
        var members: [String: PGJSONValue]
        switch self {
        case .text(let text):
            members = ["type": "text", "text": .string(text)]
        case .image(let url, let alt, let width, let height):
            members = ["type": "image", "url": .string(url)]
            if let alt { members["alt"] = .string(alt) }
            if let width { members["width"] = .number(PGJSONNumber(width)) }
            if let height { members["height"] = .number(PGJSONNumber(height)) }
        case .code(let language, let code, let filename):
            members = ["type": "code", "language": .string(language), "code": .string(code)]
            if let filename { members["filename"] = .string(filename) }
        case .file(let id, let name, let mimeType, let size):
            members = ["type": "file", "fileId": .string(id), "fileName": .string(name), "fileType": .string(mimeType),
                       "fileSize": .number(PGJSONNumber(size))]
        }
        return .object(members)
    }

    /// The JSON array stored for `parts`.
    public static func json(_ parts: [MessagePart]) -> PGJSONValue { .array(parts.map(\.json)) }

    /// Reads and validates one part.
    public init(json: PGJSONValue, field: String = "messages.parts[0]") throws(RepositoryError) {
        guard case .object(let members) = json else { throw .invalidDocument(field: field, reason: "must be a JSON object") }
        guard case .string(let type)? = members["type"] else {
            throw .invalidDocument(field: "\(field).type", reason: "must be text, image, code or file")
        }
        switch type {
        case "text":
            let reader = try JSONObjectReader(json, field: field, members: ["type", "text"])
            self = .text(try reader.required("text", reader.string))
        case "image":
            let reader = try JSONObjectReader(json, field: field, members: ["type", "url", "alt", "width", "height"])
            self = .image(url: try reader.required("url", reader.string), alt: try reader.string("alt"),
                          width: try reader.integer("width", allowed: Self.imageSideRange).map { Int($0) },
                          height: try reader.integer("height", allowed: Self.imageSideRange).map { Int($0) })
        case "code":
            let reader = try JSONObjectReader(json, field: field, members: ["type", "language", "code", "filename"])
            self = .code(language: try reader.required("language", reader.string), code: try reader.required("code", reader.string),
                         filename: try reader.string("filename"))
        case "file":
            let reader = try JSONObjectReader(json, field: field, members: ["type", "fileId", "fileName", "fileType", "fileSize"])
            self = .file(id: try reader.required("fileId", reader.string), name: try reader.required("fileName", reader.string),
                         mimeType: try reader.required("fileType", reader.string),
                         size: try reader.required("fileSize") { key throws(RepositoryError) in try reader.integer(key, allowed: Self.fileSizeRange) })
        default:
            throw .invalidDocument(field: "\(field).type", reason: "must be text, image, code or file")
        }
        try validate(field: field)
    }

    /// Reads and validates the column's JSON array.
    public static func parts(json: PGJSONValue, field: String = "messages.parts") throws(RepositoryError) -> [MessagePart] {
        guard case .array(let elements) = json else { throw .invalidDocument(field: field, reason: "must be a JSON array") }
        var parts: [MessagePart] = []
        for (index, element) in elements.enumerated() { parts.append(try MessagePart(json: element, field: "\(field)[\(index)]")) }
        try validate(parts, field: field)
        return parts
    }

    public init(from decoder: any Decoder) throws { try self.init(json: PGJSONValue(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
