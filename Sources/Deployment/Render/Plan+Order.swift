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
        var ready = Set(steps.indices.filter { waiting[$0].isEmpty })
        var out: [Step] = []
        var lastNode: String??
        while !ready.isEmpty {
            let same = ready.filter { lastNode != nil && steps[$0].node == lastNode! }
            let pick = (same.isEmpty ? ready : same).min()!
            ready.remove(pick)
            out.append(steps[pick])
            lastNode = .some(steps[pick].node)
            for d in dependents[pick] {
                waiting[d].remove(pick)
                if waiting[d].isEmpty { ready.insert(d) }
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
