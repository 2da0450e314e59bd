/// A one-row progress bar with a percentage (or a label) at its right.
public struct ProgressBar: Widget {
    /// Done, from 0 to 1 (clamped).
    public var ratio: Double
    /// Text at the right; nil shows the percentage.
    public var label: String?

    /// A bar.
    public init(ratio: Double, label: String? = nil) {
        self.ratio = ratio.isNaN ? 0 : min(1, max(0, ratio))
        self.label = label
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let text = label ?? "\(Int((ratio * 100).rounded(.down)))%"
        let textWidth = CharacterWidth.of(text)
        let barWidth = area.width > textWidth + 1 ? area.width - textWidth - 1 : area.width
        let filled = Int((Double(barWidth) * ratio).rounded(.down))
        buffer.write(String(repeating: "█", count: filled), x: area.x, y: area.y, style: theme[.progress], clip: area)
        buffer.write(String(repeating: "░", count: barWidth - filled), x: area.x + filled, y: area.y, style: theme[.muted], clip: area)
        if barWidth < area.width {
            buffer.write(text, x: area.right - textWidth, y: area.y, style: theme[.normal], clip: area)
        }
    }
}

/// The frame a spinner is at; a program advances it on a timer message.
public struct SpinnerState: Hashable, Sendable {
    /// Ticks so far.
    public var tick: Int

    /// A spinner at its first frame.
    public init(tick: Int = 0) { self.tick = tick }

    /// Moves to the next frame.
    public mutating func advance() { tick &+= 1 }
}

/// A spinner and a label: "⠙ Generating key…", for work of unknown length.
public struct Spinner: Widget {
    /// Braille dots, smooth on UTF-8 terminals.
    public static let dots: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    /// Plain ASCII.
    public static let line: [String] = ["|", "/", "-", "\\"]

    /// The frame.
    public var state: SpinnerState
    /// What is going on.
    public var label: String
    /// The frames to cycle through.
    public var frames: [String]

    /// A spinner.
    public init(state: SpinnerState, label: String = "", frames: [String] = Spinner.dots) {
        self.state = state
        self.label = label
        self.frames = frames.isEmpty ? Spinner.line : frames
    }

    /// The frame shown now.
    public var currentFrame: String { frames[((state.tick % frames.count) + frames.count) % frames.count] }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let x = buffer.write(currentFrame, x: area.x, y: area.y, style: theme[.progress], clip: area)
        if !label.isEmpty {
            buffer.write(" " + label, x: x, y: area.y, style: theme[.normal], clip: area)
        }
    }
}
