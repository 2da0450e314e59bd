@testable import TerminalUI

/// Renders a widget into a fresh buffer of `width` x `height` (the whole buffer as its area).
func render(_ widget: some Widget, width: Int, height: Int, theme: Theme = .builtInMonochrome) -> Buffer {
    var buffer = Buffer(width: width, height: height, style: theme[.normal])
    widget.render(area: buffer.area, buffer: &buffer, theme: theme)
    return buffer
}
