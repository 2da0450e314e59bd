import Testing
@testable import TerminalUI

@Suite struct LayoutTests {
    @Test func headerBodyFooterAt80x24() {
        let parts = Layout.vertical([.length(1), .fill(1), .length(1)]).split(Rect(size: .standard))
        #expect(parts == [
            Rect(x: 0, y: 0, width: 80, height: 1),
            Rect(x: 0, y: 1, width: 80, height: 22),
            Rect(x: 0, y: 23, width: 80, height: 1),
        ])
    }

    @Test func percentagesOfTheWhole() {
        let parts = Layout.horizontal([.percentage(25), .percentage(75)]).split(Rect(x: 2, y: 0, width: 40, height: 3))
        #expect(parts.map(\.width) == [10, 30])
        #expect(parts.map(\.x) == [2, 12])
    }

    @Test func fillSharesByWeight() {
        let parts = Layout.horizontal([.length(4), .fill(1), .fill(3)]).split(Rect(x: 0, y: 0, width: 20, height: 1))
        #expect(parts.map(\.width) == [4, 4, 12])
    }

    @Test func minGrowsWhenNothingFills() {
        let parts = Layout.horizontal([.length(2), .min(3)]).split(Rect(x: 0, y: 0, width: 10, height: 1))
        #expect(parts.map(\.width) == [2, 8])
    }

    @Test func maxTakesUpToItsLimit() {
        let parts = Layout.horizontal([.length(2), .max(3)]).split(Rect(x: 0, y: 0, width: 10, height: 1))
        #expect(parts.map(\.width) == [2, 3])
    }

    @Test func spacingBetweenParts() {
        let parts = Layout.horizontal([.length(3), .fill(1)], spacing: 1).split(Rect(x: 0, y: 0, width: 10, height: 1))
        #expect(parts == [Rect(x: 0, y: 0, width: 3, height: 1), Rect(x: 4, y: 0, width: 6, height: 1)])
    }

    @Test func squeezedPartsShrinkInOrderAndStayInside() {
        let area = Rect(x: 0, y: 0, width: 6, height: 1)
        let parts = Layout.horizontal([.length(5), .length(5), .fill(1)], spacing: 1).split(area)
        #expect(parts.map(\.width) == [4, 0, 0])
        for p in parts { #expect(p.right <= area.right) }
    }

    @Test func emptyAreaGivesEmptyParts() {
        let parts = Layout.vertical([.length(1), .fill(1), .percentage(50)], spacing: 2).split(.zero)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.isEmpty })
        #expect(Layout.vertical([]).split(Rect(size: .standard)) == [])
    }
}
