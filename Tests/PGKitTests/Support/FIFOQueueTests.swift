@testable import PGKit
import Testing

/// `FIFOQueue`: the storage behind the bounded buffers between connections and consumers.
@Suite struct FIFOQueueTests {
    @Test func elementsComeOutInOrderWhileTheQueueNeverEmpties() {
        var queue = FIFOQueue<Int>(compactingAfter: 4)
        var next = 0, expected = 0
        // Keep three or four queued at all times, across many compactions.
        for _ in 0..<1_000 {
            while queue.count < 4 { queue.append(next); next += 1 }
            #expect(queue.popFirst() == expected)
            expected += 1
        }
        #expect(queue.count == 3)
        queue.append(contentsOf: [next, next + 1])
        var rest: [Int] = []
        while let value = queue.popFirst() { rest.append(value) }
        #expect(rest == Array(expected..<(next + 2)))
        #expect(queue.isEmpty && queue.popFirst() == nil)
    }

    @Test func filterKeepsTheOrderOfWhatIsLeft() {
        var queue = FIFOQueue<Int>()
        queue.append(contentsOf: 0..<10)
        _ = queue.popFirst()
        queue.filter { $0 % 3 != 0 }
        var left: [Int] = []
        while let value = queue.popFirst() { left.append(value) }
        #expect(left == [1, 2, 4, 5, 7, 8])
        queue.append(1)
        queue.removeAll()
        #expect(queue.isEmpty)
    }
}
