import Testing
@testable import TerminalUI

/// A tiny program: a counter, a background job with progress, a timer, quit.
struct Counter: Program {
    struct State {
        var count = 0
        var size = Size(width: 0, height: 0)
        var progress: [Double] = []
        var done = false
        var ticks = 0
        var started = false
    }

    enum Message: Sendable {
        case key(Key)
        case resize(Size)
        case step(Double)
        case finished
        case tick
    }

    func start(_ state: inout State) -> [Command<Message>] {
        state.started = true
        return []
    }

    func message(for event: TerminalEvent) -> Message? {
        switch event {
        case .key(.ctrl("c")): return nil
        case .key(let k): return .key(k)
        case .resize(let s): return .resize(s)
        }
    }

    func update(_ state: inout State, _ message: Message) -> [Command<Message>] {
        switch message {
        case .key(.char("+")): state.count += 1
        case .key(.char("-")): state.count -= 1
        case .key(.char("w")):
            return [.run { send in
                for i in 1...4 { send(.step(Double(i) / 4)) }
                send(.finished)
            }]
        case .key(.char("a")):
            return [.task { send in
                try? await Task.sleep(for: .milliseconds(10))
                send(.finished)
            }]
        case .key(.char("t")): return [.after(0.01, .tick), .after(0.02, .tick)]
        case .key(.char("q")): return [.quit]
        case .key: break
        case .resize(let s): state.size = s
        case .step(let p): state.progress.append(p)
        case .finished: state.done = true
        case .tick: state.ticks += 1
        }
        return []
    }

    func view(_ state: State, size: Size) -> Buffer {
        let theme = Theme.builtInMonochrome
        var b = Buffer(size: size)
        let rows = Layout.vertical([.length(1), .length(1)]).split(b.area)
        b.write("count=\(state.count) size=\(state.size)", x: 0, y: 0)
        ProgressBar(ratio: state.progress.last ?? 0).render(area: rows[1], buffer: &b, theme: theme)
        return b
    }
}

@Suite struct ProgramLoopTests {
    @Test func startsWithTheSizeAndRendersIt() {
        let app = HeadlessRuntime(Counter(), state: .init(), size: Size(width: 20, height: 2))
        #expect(app.state.started)
        #expect(app.lines == ["count=0 size=20x2", "░░░░░░░░░░░░░░░░░ 0%"])
    }

    @Test func keysGoThroughUpdate() {
        let app = HeadlessRuntime(Counter(), state: .init(), size: Size(width: 20, height: 2))
        app.type("++-+")
        #expect(app.state.count == 2)
        #expect(app.lines[0] == "count=2 size=20x2")
        #expect(app.frames.count == 2)
    }

    @Test func commandsReportProgressAndResultInOrder() async {
        let app = HeadlessRuntime(Counter(), state: .init(), size: Size(width: 20, height: 2))
        app.press(.char("w"))
        #expect(await app.settle())
        #expect(app.state.progress == [0.25, 0.5, 0.75, 1])
        #expect(app.state.done)
        #expect(app.lines[1] == "███████████████ 100%")
    }

    @Test func asyncTasksAndTimersComeBackAsMessages() async {
        let app = HeadlessRuntime(Counter(), state: .init(), size: Size(width: 20, height: 2))
        app.press(.char("a"), .char("t"))
        #expect(await app.settle())
        #expect(app.state.done)
        #expect(app.state.ticks == 2)
    }

    @Test func waitUntilAppliesMessagesAsTheyCome() async {
        let app = HeadlessRuntime(Counter(), state: .init(), size: Size(width: 20, height: 2))
        app.press(.char("t"))
        #expect(await app.waitUntil { $0.ticks >= 1 })
        app.timeout = 0.05
        #expect(await !app.waitUntil { $0.ticks >= 5 }, "a condition that never holds times out")
    }

    @Test func aBurstOfKeysCostsOneFrame() {
        let app = HeadlessRuntime(Counter(), state: .init(), size: Size(width: 20, height: 2))
        let before = app.driver.renders
        app.burst(Array(repeating: Key.char("+"), count: 50))
        #expect(app.state.count == 50)
        #expect(app.driver.renders == before + 1)
        // Nothing new: no frame at all.
        #expect(app.driver.frameIfNeeded(app.size) == nil)
        #expect(app.driver.renders == before + 1)
        // A burst ending in quit stops there.
        app.burst([.char("+"), .char("q"), .char("+")])
        #expect(app.state.count == 51)
        #expect(app.didQuit)
    }

    @Test func resizeIsAMessage() {
        let app = HeadlessRuntime(Counter(), state: .init(), size: .standard)
        let b = app.resize(to: Size(width: 12, height: 1))
        #expect(b.size == Size(width: 12, height: 1))
        #expect(app.state.size == Size(width: 12, height: 1))
        #expect(app.lines == ["count=0 size"])
    }

    @Test func quitStopsTheLoop() {
        let app = HeadlessRuntime(Counter(), state: .init(), size: .standard)
        app.press(.char("+"), .char("q"), .char("+"))
        #expect(app.didQuit)
        #expect(app.state.count == 1, "keys after quit are not applied")
    }

    @Test func ctrlCQuitsWhenTheProgramDropsIt() {
        let app = HeadlessRuntime(Counter(), state: .init(), size: .standard)
        app.press(.ctrl("c"))
        #expect(app.didQuit)
    }

    @Test func commandsMapIntoAParentsMessages() {
        enum Parent: Sendable, Equatable { case child(Counter.Message.Kind) }
        let child: Command<Counter.Message> = .after(0, .tick)
        let mapped = child.map { Parent.child($0.kind) }
        guard case .after(let delay, .child(.tick)) = mapped.operation else {
            Issue.record("not mapped: \(mapped.operation)")
            return
        }
        #expect(delay == 0)
        guard case .quit = Command<Counter.Message>.quit.map({ Parent.child($0.kind) }).operation else {
            Issue.record("quit not kept")
            return
        }
    }

    @Test func driverWithoutATerminal() {
        let driver = ProgramDriver(program: Counter(), state: .init())
        #expect(!driver.handle(.key(.ctrl("c"))))
        #expect(driver.quitRequested)
        let other = ProgramDriver(program: Counter(), state: .init())
        other.post(.step(0.5))
        #expect(other.isBusy)
        #expect(other.waitForMessage(timeout: 0.01))
        #expect(other.drainMailbox())
        #expect(other.state.progress == [0.5])
        #expect(!other.isBusy)
        #expect(!other.drainMailbox())
    }
}

extension Counter.Message {
    enum Kind: Sendable, Equatable { case key, resize, step, finished, tick }
    var kind: Kind {
        switch self {
        case .key: return .key
        case .resize: return .resize
        case .step: return .step
        case .finished: return .finished
        case .tick: return .tick
        }
    }
}
