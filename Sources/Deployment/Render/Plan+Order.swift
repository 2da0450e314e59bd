extension Plan {
    /// The steps in the order a person follows them: every dependency respected, and the
    /// steps of one node kept together where the order allows (among the steps that are
    /// ready, one on the same node as the last comes first; ties go to plan order).
    public func runbookOrder() -> [Step] {
        var index: [String: Int] = [:]
        for (i, s) in steps.enumerated() { index[s.id] = i }
        var waiting = steps.map { Set($0.dependsOn.compactMap { index[$0] }) }
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (i, deps) in waiting.enumerated() { for d in deps { dependents[d].append(i) } }
        // The ready steps twice: all of them, and by node. A step is in both heaps until it
        // is taken from one; the other then skips it. Each pick costs log(steps), not a
        // scan of every ready step, so the order is made in n log n for any number of nodes.
        var ready = IndexHeap()
        var readyOn: [String?: IndexHeap] = [:]
        var taken = [Bool](repeating: false, count: steps.count)
        func makeReady(_ i: Int) {
            ready.insert(i)
            readyOn[steps[i].node, default: IndexHeap()].insert(i)
        }
        for i in steps.indices where waiting[i].isEmpty { makeReady(i) }
        var out: [Step] = []
        out.reserveCapacity(steps.count)
        var lastNode: String??
        while true {
            var pick: Int?
            if let last = lastNode {
                pick = readyOn[last]?.popFirst(skipping: taken)
            }
            if pick == nil { pick = ready.popFirst(skipping: taken) }
            guard let pick else { break }
            taken[pick] = true
            out.append(steps[pick])
            lastNode = .some(steps[pick].node)
            for d in dependents[pick] {
                waiting[d].remove(pick)
                if waiting[d].isEmpty { makeReady(d) }
            }
        }
        // A cycle cannot happen: every step waits only for steps made before it.
        precondition(out.count == steps.count, "the plan's dependencies have a cycle")
        return out
    }

    /// True when no step comes before a step it waits for, and every awaited id exists.
    public static func respectsDependencies(_ order: [Step]) -> Bool {
        var done: Set<String> = []
        for s in order {
            if !s.dependsOn.allSatisfy(done.contains) { return false }
            done.insert(s.id)
        }
        return true
    }
}

/// A min-heap of step indices: the ready step that comes first in the plan, in log time.
struct IndexHeap {
    private var items: [Int] = []

    mutating func insert(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest index not yet `taken` (those met on the way are
    /// dropped: they were taken through the other heap); nil when none is left.
    mutating func popFirst(skipping taken: [Bool]) -> Int? {
        while let first = items.first {
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < items.count && items[left] < items[smallest] { smallest = left }
                    if right < items.count && items[right] < items[smallest] { smallest = right }
                    if smallest == parent { break }
                    items.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            if !taken[first] { return first }
        }
        return nil
    }
}
