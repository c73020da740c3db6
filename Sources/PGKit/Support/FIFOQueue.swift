/// First in, first out, as an array read from a moving head: taken elements leave the storage a
/// batch at a time (at once when it empties), so a queue that never quite empties does not keep
/// everything it ever held. The bounded buffers between a connection's thread and its consumer
/// (rows, notifications, changes) keep their elements in one.
struct FIFOQueue<Element> {
    private var storage: [Element] = []
    private var head = 0
    /// Taken elements are dropped from the storage once this many have accumulated (and they
    /// are at least half of it).
    private let compactionThreshold: Int

    init(compactingAfter threshold: Int = 1024) {
        compactionThreshold = max(1, threshold)
    }

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        storage.append(contentsOf: elements)
    }

    /// The oldest element, taken out; nil when empty.
    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= compactionThreshold, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Keeps only the elements `isIncluded` accepts, in order.
    mutating func filter(_ isIncluded: (Element) -> Bool) {
        storage = storage[head...].filter(isIncluded)
        head = 0
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
    }
}
