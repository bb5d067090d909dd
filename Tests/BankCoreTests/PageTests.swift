import BankCore
import Foundation
import Testing

@Suite struct PageTests {
    @Test(arguments: [Int64(1), 2, 62, 63, 999, 1_000_000, .max])
    func cursorRoundTripsThroughItsOpaqueForm(position: Int64) throws {
        let opaque = Cursor(position: position).description
        let parsed = try #require(Cursor(opaque: opaque))
        #expect(parsed == Cursor(position: position))
        #expect(parsed.position == position)
    }

    @Test func cursorOpaqueFormIsURLSafeWithoutPadding() {
        for position in Int64(1)...2_000 {
            let opaque = Cursor(position: position).description
            #expect(!opaque.contains("+") && !opaque.contains("/") && !opaque.contains("="), "\(opaque)")
        }
    }

    @Test(arguments: [
        "",
        "!!!",
        "not a cursor",
        "cDo",  // "p:" with no number
        Data("p:0".utf8).base64EncodedString(),
        Data("p:-3".utf8).base64EncodedString(),
        Data("p:abc".utf8).base64EncodedString(),
        Data("x:5".utf8).base64EncodedString(),
        Data("5".utf8).base64EncodedString(),
        Data("p:99999999999999999999".utf8).base64EncodedString(),
        Data([0xff, 0xfe, 0x00]).base64EncodedString(),
    ])
    func cursorRejectsAnythingItDidNotMake(opaque: String) {
        #expect(Cursor(opaque: opaque) == nil)
    }

    @Test func pageRequestClampsTheLimit() {
        #expect(PageRequest().limit == 50)
        #expect(PageRequest(limit: 0).limit == 1)
        #expect(PageRequest(limit: -7).limit == 1)
        #expect(PageRequest(limit: 200).limit == 200)
        #expect(PageRequest(limit: 201).limit == 200)
        #expect(PageRequest().cursor == nil)
    }

    @Test func pageFromLimitPlusOneRowsSaysMoreFollowAndPointsAtTheLastShown() {
        let rows: [Int64] = [60, 50, 40, 30]
        let page = Page<String>.from(rows: rows, limit: 3, position: { $0 }, transform: { "row \($0)" })
        #expect(page.data == ["row 60", "row 50", "row 40"])
        #expect(page.hasMore)
        #expect(page.nextCursor == Cursor(position: 40))
    }

    @Test func pageFromAtMostLimitRowsIsTheLastPage() {
        let page = Page<Int64>.from(rows: [3, 2, 1], limit: 3, position: { $0 }, transform: { $0 })
        #expect(page.data == [3, 2, 1])
        #expect(!page.hasMore)
        #expect(page.nextCursor == nil)
        let mapped = page.map { $0 * 10 }
        #expect(mapped.data == [30, 20, 10])
        #expect(!mapped.hasMore)
    }
}
