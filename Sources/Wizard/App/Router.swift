import Deployment
import PKI
import TerminalUI

/// Where a screen lives in the wizard's state, and how its messages travel inside
/// `WizardMessage`. A screen whose state exists only while it is open (a review) is kept
/// in an optional, which `ShellRequest.close` empties.
struct Route<S: WizardScreen> {
    /// The screen's state, nil when it is not open.
    let get: (WizardState) -> S?
    /// Stores the screen's state (nil closes it, where it can be closed).
    let set: (inout WizardState, S?) -> Void
    /// Its messages as the wizard's.
    let wrap: @Sendable (S.Message) -> WizardMessage

    /// A screen whose state is always there.
    init(_ path: WritableKeyPath<WizardState, S>, wrap: @escaping @Sendable (S.Message) -> WizardMessage) {
        get = { $0[keyPath: path] }
        set = { s, screen in if let screen { s[keyPath: path] = screen } }
        self.wrap = wrap
    }

    /// A screen whose state exists while it is open.
    init(_ path: WritableKeyPath<WizardState, S?>, wrap: @escaping @Sendable (S.Message) -> WizardMessage) {
        get = { $0[keyPath: path] }
        set = { s, screen in s[keyPath: path] = screen }
        self.wrap = wrap
    }
}

/// The screen in focus as the shell sees it: every screen answers the same questions,
/// whatever its own state and messages are.
struct FocusedScreen {
    /// The title bar's name.
    let title: (WizardState) -> String
    /// The line under the body.
    let footnote: (WizardState) -> String
    /// The help's paragraphs.
    let helpText: (WizardState) -> String
    /// The bindings live now.
    let bindings: (WizardState) -> [KeyBinding]
    /// A key for the screen: what it starts.
    let press: (Key, inout WizardState) -> [Command<WizardMessage>]
    /// The screen comes into focus: what it starts.
    let opened: (inout WizardState) -> [Command<WizardMessage>]
    /// The body.
    let render: (WizardState, Rect, inout Buffer) -> Void
}

extension WizardApp {
    /// The router: the one place that knows which screen each `Screen` is.
    func focused(_ screen: Screen) -> FocusedScreen {
        switch screen {
        case .home: return focused(Routes.home)
        case .csr: return focused(Routes.step1)
        case .bundles: return focused(Routes.bundles)
        case .verify: return focused(Routes.step4)
        case .step2, .step3: return focused(Routes.plan)
        case .dashboard: return focused(Routes.dashboard)
        case .deployment: return focused(Routes.deployment)
        case .apply: return focused(Routes.step5)
        case .review: return focused(Routes.review)
        case .themes: return focused(Routes.themes)
        case .troubleshoot: return focused(Routes.troubleshoot)
        case .labClock: return focused(Routes.labClock)
        }
    }

    /// A screen of the protocol, as the shell sees it. Without its state (a review
    /// already closed) it shows nothing and any key goes home.
    func focused<S: WizardScreen>(_ route: Route<S>) -> FocusedScreen {
        FocusedScreen(
            title: { s in route.get(s)?.title(s) ?? "" },
            footnote: { s in route.get(s)?.footnote(s) ?? "" },
            helpText: { s in route.get(s)?.helpText(s) ?? "" },
            bindings: { s in route.get(s)?.bindings(s).map(\.key) ?? [KeyBinding(.esc, help: "home")] },
            press: { key, s in press(key, on: route, &s) },
            opened: { s in
                guard var screen = route.get(s) else { return [] }
                let effects = screen.opened(s)
                route.set(&s, screen)
                return perform(effects, route, &s)
            },
            render: { s, area, b in route.get(s)?.render(area: area, buffer: &b, s) })
    }

    /// A key for a screen of the protocol: the first live binding that takes it acts;
    /// a key no binding takes does nothing.
    func press<S: WizardScreen>(_ key: Key, on route: Route<S>, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let screen = route.get(s) else {
            s.screen = .home
            return []
        }
        for binding in screen.bindings(s) {
            switch binding.action(for: key) {
            case .send(let message)?: return deliver(message, to: route, &s)
            case .shell(let request)?: return perform([.shell(request)], route, &s)
            case nil: continue
            }
        }
        return []
    }

    /// One of a screen's messages: its update, then what it asked for. A message for a
    /// screen that is not open is dropped.
    func deliver<S: WizardScreen>(_ message: S.Message, to route: Route<S>, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard var screen = route.get(s) else { return [] }
        let effects = screen.update(message, s)
        route.set(&s, screen)
        return perform(effects, route, &s)
    }

    /// A screen's effects, in order: its commands, their messages wrapped for the wizard,
    /// and its requests done by the shell (closing empties the screen's state).
    func perform<S: WizardScreen>(_ effects: [ScreenEffect<S.Message>], _ route: Route<S>, _ s: inout WizardState) -> [Command<WizardMessage>] {
        var commands: [Command<WizardMessage>] = []
        for effect in effects {
            switch effect {
            case .command(let command): commands.append(command.map(route.wrap))
            case .shell(.close(let screen)):
                route.set(&s, nil)
                s.screen = screen
            case .shell(let request): commands += perform(request, &s)
            }
        }
        return commands
    }

    /// What the shell does for a screen.
    func perform(_ request: ShellRequest, _ s: inout WizardState) -> [Command<WizardMessage>] {
        switch request {
        case .help:
            s.help = HelpState()
            return []
        case .quit:
            return requestQuit(&s)
        case .back(let screen), .close(let screen):
            s.screen = screen
            return []
        case .write(let operation):
            return [
                .perform {
                    do { return .performed(.success(try operation.perform())) } catch { return .performed(.failure(WizardFailure(error))) }
                },
                .after(0.1, .tick),
            ]
        case .open(let screen):
            return open(screen, &s)
        case .tick:
            return [.after(0.1, .tick)]
        case .openDeployment(let path):
            return [.perform {
                do {
                    return .deploymentOpened(path: path, .success(try DeploymentFile.read(path)))
                } catch {
                    return .deploymentOpened(path: path, .failure(WizardFailure(error)))
                }
            }]
        case .saveDeployment(let save):
            return [Self.prepareDeploymentSave(save.deployment, base: save.base, path: save.path, isLab: save.isLab, existed: save.existed, origin: save.origin)]
        case .review(let review):
            s.review = review
            s.screen = .review
            return []
        case .plan(let flow, let origin):
            return openApply(planning: flow, from: origin, &s)
        case .useTheme(let theme):
            s.theme = s.noColor ? theme.withoutColor : theme
            return []
        }
    }

    /// Opens `screen` and starts what it needs.
    func open(_ screen: Screen, _ s: inout WizardState) -> [Command<WizardMessage>] {
        switch screen {
        case .step2, .step3: return openPlanView(screen, &s)
        case .apply: return openApply(&s)
        case .deployment: return openDeploymentForm(&s)
        default:
            s.screen = screen
            return focused(screen).opened(&s)
        }
    }
}

/// Each screen's route: where its state is, and its messages inside `WizardMessage`.
enum Routes {
    /// The home screen.
    static var home: Route<HomeScreen> { Route(\.home, wrap: { .home($0) }) }
    /// Step 1.
    static var step1: Route<CSRBuilder> { Route(\.csr, wrap: { .step1($0) }) }
    /// Step 5.
    static var step5: Route<ApplyState> { Route(\.apply, wrap: { .step5($0) }) }
    /// The deployment file's form.
    static var deployment: Route<DeploymentForm> { Route(\.deploymentForm, wrap: { .deployment($0) }) }
    /// The expiry dashboard.
    static var dashboard: Route<DashboardState> { Route(\.dashboard, wrap: { .dashboard($0) }) }
    /// Steps 2 and 3.
    static var plan: Route<PlanViewState> { Route(\.planView, wrap: { .plan($0) }) }
    /// Step 4.
    static var step4: Route<VerifyState> { Route(\.verify, wrap: { .step4($0) }) }
    /// The bundle screen.
    static var bundles: Route<BundleScreenState> { Route(\.bundles, wrap: { .bundles($0) }) }
    /// The review before a write.
    static var review: Route<ReviewState> { Route(\.review, wrap: { .review($0) }) }
    /// The theme picker.
    static var themes: Route<ThemesScreen> { Route(\.themePicker, wrap: { .themes($0) }) }
    /// Troubleshooting.
    static var troubleshoot: Route<TroubleshootScreen> { Route(\.troubleshoot, wrap: { .troubleshoot($0) }) }
    /// The lab's clock.
    static var labClock: Route<LabClockScreen> { Route(\.labClock, wrap: { .labClock($0) }) }
}
