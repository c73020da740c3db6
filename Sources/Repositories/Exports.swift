// `import Repositories` is all an app needs for the chat data layer and the PGKit API it is
// built on (PGPool, PGConfig, PGQuery, the codecs...).
@_exported import PGKit
