/// Work the studio is waiting for (a page, a count, SQL, an export), shown on the status line
/// with its elapsed time once it has taken a moment; Esc or Ctrl-C cancels it.
public struct StudioActivity: Sendable, Equatable {
    /// What is running: "loading messages", "running SQL".
    public var label: String
    /// Tenths of a second since it started.
    public var elapsedTenths: Int
    /// Whether a cancel was asked for and the server has not answered yet.
    public var isCancelling = false

    /// `label` running for `elapsedTenths` tenths of a second.
    public init(label: String, elapsedTenths: Int, isCancelling: Bool = false) {
        self.label = label
        self.elapsedTenths = elapsedTenths
        self.isCancelling = isCancelling
    }

    /// "2.3 s"; whole seconds from 10 s on.
    public var elapsedText: String {
        elapsedTenths < 100 ? "\(elapsedTenths / 10).\(elapsedTenths % 10) s" : "\(elapsedTenths / 10) s"
    }
}
