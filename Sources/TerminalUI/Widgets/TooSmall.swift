/// What a screen shows instead of itself when the terminal is smaller than it needs:
/// a clear message with both sizes, never a crash or a garbled layout.
public struct TooSmall: Widget {
    /// The size the screen needs.
    public var minimum: Size

    /// A message for a screen that needs `minimum`.
    public init(minimum: Size = .standard) {
        self.minimum = minimum
    }

    /// True when `size` is too small for `minimum`.
    public static func applies(to size: Size, minimum: Size = .standard) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme[.normal])
        let text = "Terminal too small: \(area.width)x\(area.height), needs \(minimum). Enlarge the window, or press q to quit."
        let lines = TextWrap.wrap(text, width: area.width)
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < area.bottom {
            let x = area.x + max(0, (area.width - CharacterWidth.of(line)) / 2)
            buffer.write(line, x: x, y: top + i, style: theme[.warning], clip: area)
        }
    }
}
