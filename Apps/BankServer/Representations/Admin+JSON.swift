import Admin
import BankCore
import Foundation
import Identity
import Ledger
import Storage

extension User {
    /// A user as the admin sees it: the profile plus status and lockout.
    var adminJSON: JSON {
        guard case .object(var members) = profileJSON else { return profileJSON }
        members.append(("status", .string(isActive ? "active" : "disabled")))
        members.append(("locked_until", lockedUntil.map { .time($0) } ?? .null))
        return .object(members)
    }
}

extension Account {
    /// An account as the admin sees it: with its owner.
    var adminJSON: JSON {
        guard case .object(var members) = json else { return json }
        members.append(("owner_id", .string(ownerID.description)))
        return .object(members)
    }
}

extension AuditEntry {
    var json: JSON {
        let details = (try? JSON.parse(Array(self.details.utf8))) ?? .object([])
        return .object([
            ("id", .integer(id)), ("at", .string(at)), ("actor_id", .string(actorID)), ("actor_role", .string(actorRole)),
            ("action", .string(action)), ("target_type", .string(targetType)), ("target_id", .string(targetID)), ("ip", .string(ip)),
            ("user_agent", .string(userAgent)), ("request_id", .string(requestID)), ("details", details), ("prev_hash", .string(prevHash)),
            ("hash", .string(hash)),
        ])
    }
}

extension AuditVerification {
    var json: JSON {
        .object([("valid", .bool(valid)), ("entries", .integer(Int64(entries))), ("first_bad_entry", firstBadEntry.map { .integer($0) } ?? .null)])
    }
}

extension BankStats {
    var json: JSON {
        .object([
            ("users", .integer(Int64(users.users))), ("members", .integer(Int64(users.members))),
            ("employees", .integer(Int64(users.employees))), ("admins", .integer(Int64(users.admins))),
            ("locked_users", .integer(Int64(users.lockedUsers))), ("accounts", .integer(Int64(ledger.accounts))),
            ("open_accounts", .integer(Int64(ledger.openAccounts))), ("money_held_cents", .integer(ledger.moneyHeld.cents)),
            ("transactions_today", .integer(Int64(ledger.transactionsToday))), ("volume_today_cents", .integer(ledger.volumeToday.cents)),
            ("pending_requests", .integer(Int64(pendingRequests))),
            ("ledger_check", .object([
                ("postings_balance", .bool(integrity.postingsBalance)), ("accounts_match_entries", .bool(integrity.accountsMatchEntries)),
                ("no_negative_balances", .bool(integrity.negativeAccounts.isEmpty)), ("postings_sum_cents", .integer(integrity.postingsSum.cents)),
                ("mismatched_accounts", .array(integrity.mismatchedAccounts.map { .string($0.description) })),
                ("checkpoints_match_entries", .bool(integrity.checkpointsMatchEntries)),
                ("accounts_checked", .integer(Int64(integrity.accountsChecked))),
            ])),
            ("currency", .string("USD")),
        ])
    }
}
