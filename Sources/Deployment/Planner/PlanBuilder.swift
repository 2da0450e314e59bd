/// Collects steps in the order they are made, adding to each the steps that last wrote
/// the files it reads, so that no file is read before it is made or uploaded.
struct PlanBuilder {
    private(set) var steps: [Step] = []
    private var ids: Set<String> = []
    private var lastWriter: [FileRef: String] = [:]
    /// The plan's notes, each once, in the order first given.
    private(set) var notes: [String] = []
    private var noted: Set<String> = []

    /// Adds a step; returns its id. Ids are made from the node and what the step does, so
    /// the same input always gives the same ids; a repeated id is a planner bug.
    @discardableResult
    mutating func add(_ step: Step) -> String {
        precondition(!ids.contains(step.id), "the planner made the step id \(step.id) twice")
        var s = step
        for file in s.reads {
            if let writer = lastWriter[file], !s.dependsOn.contains(writer) { s.dependsOn.append(writer) }
        }
        for dep in s.dependsOn { precondition(ids.contains(dep), "step \(s.id) waits for \(dep), which is not planned before it") }
        for file in s.writes { lastWriter[file] = s.id }
        ids.insert(s.id)
        steps.append(s)
        return s.id
    }

    func contains(_ id: String) -> Bool { ids.contains(id) }

    /// The step that last wrote the file, if any.
    func writer(of file: FileRef) -> String? { lastWriter[file] }

    mutating func note(_ text: String) { if noted.insert(text).inserted { notes.append(text) } }
}
