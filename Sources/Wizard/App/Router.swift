import TerminalUI

/// Where a screen lives in the wizard's state, and how its messages travel inside
/// `WizardMessage`.
struct Route<S: WizardScreen> {
    /// The screen's state in `WizardState`.
    let path: WritableKeyPath<WizardState, S>
    /// Its messages as the wizard's.
    let wrap: @Sendable (S.Message) -> WizardMessage
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
        case .themes: return focused(Routes.themes)
        default: return legacyScreen(screen)
        }
    }

    /// A screen of the protocol, as the shell sees it.
    func focused<S: WizardScreen>(_ route: Route<S>) -> FocusedScreen {
        FocusedScreen(
            title: { $0[keyPath: route.path].title($0) },
            footnote: { $0[keyPath: route.path].footnote($0) },
            helpText: { $0[keyPath: route.path].helpText($0) },
            bindings: { $0[keyPath: route.path].bindings($0).map(\.key) },
            press: { key, s in press(key, on: route, &s) },
            opened: { s in
                var screen = s[keyPath: route.path]
                let effects = screen.opened(s)
                s[keyPath: route.path] = screen
                return perform(effects, route, &s)
            },
            render: { s, area, b in s[keyPath: route.path].render(area: area, buffer: &b, s) })
    }

    /// A key for a screen of the protocol: the first live binding that takes it acts;
    /// a key no binding takes does nothing.
    func press<S: WizardScreen>(_ key: Key, on route: Route<S>, _ s: inout WizardState) -> [Command<WizardMessage>] {
        for binding in s[keyPath: route.path].bindings(s) {
            switch binding.action(for: key) {
            case .send(let message)?: return deliver(message, to: route, &s)
            case .shell(let request)?: return perform(request, &s)
            case nil: continue
            }
        }
        return []
    }

    /// One of a screen's messages: its update, then what it asked for.
    func deliver<S: WizardScreen>(_ message: S.Message, to route: Route<S>, _ s: inout WizardState) -> [Command<WizardMessage>] {
        var screen = s[keyPath: route.path]
        let effects = screen.update(message, s)
        s[keyPath: route.path] = screen
        return perform(effects, route, &s)
    }

    /// A screen's effects, in order: its commands, their messages wrapped for the wizard,
    /// and its requests done by the shell.
    func perform<S: WizardScreen>(_ effects: [ScreenEffect<S.Message>], _ route: Route<S>, _ s: inout WizardState) -> [Command<WizardMessage>] {
        var commands: [Command<WizardMessage>] = []
        for effect in effects {
            switch effect {
            case .command(let command): commands.append(command.map(route.wrap))
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
        case .back(let screen):
            s.screen = screen
            return []
        case .open(let screen):
            return open(screen, &s)
        case .useTheme(let theme):
            s.theme = s.noColor ? theme.withoutColor : theme
            return []
        }
    }

    /// Opens `screen` and starts what it needs.
    func open(_ screen: Screen, _ s: inout WizardState) -> [Command<WizardMessage>] {
        switch screen {
        case .bundles: return openBundles(&s)
        case .dashboard: return openDashboard(&s)
        case .troubleshoot:
            if s.context.apply != nil { s.screen = .troubleshoot }
            return []
        case .step2, .step3: return openPlanView(screen, &s)
        case .verify: return openVerify(&s)
        case .apply: return openApply(&s)
        case .deployment: return openDeploymentForm(&s)
        default:
            s.screen = screen
            return focused(screen).opened(&s)
        }
    }
}

/// The routes of the screens that take messages of their own.
enum Routes {
    /// The theme picker.
    static var themes: Route<ThemesScreen> { Route(path: \.themePicker, wrap: WizardMessage.themes) }
}
