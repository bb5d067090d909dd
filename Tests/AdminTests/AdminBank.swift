import Admin
import BankCore
import BankTestSupport
import BankRuntime
import Configuration
import Foundation
import Identity
import Ledger
import ServiceRequests
import Sodium
import Storage

/// The admin tests' bank: the composed bank, with the admin view and a full dump.
typealias AdminBank = ComposedBank

extension ComposedBank {
    var admin: AdminService { bank.admin }
}

/// Walks a newest-first list page by page with `limit`, returning every item and the page sizes.
func walk<Item: Sendable>(limit: Int, _ fetch: (PageRequest) async throws -> Page<Item>) async throws -> (items: [Item], pages: [Int]) {
    var items: [Item] = []
    var pages: [Int] = []
    var cursor: BankCore.Cursor?
    repeat {
        let page = try await fetch(PageRequest(limit: limit, cursor: cursor))
        items += page.data
        pages.append(page.data.count)
        if page.hasMore != (page.nextCursor != nil) { throw WalkError.inconsistentPage }
        cursor = page.nextCursor
    } while cursor != nil
    return (items, pages)
}

enum WalkError: Error { case inconsistentPage }
