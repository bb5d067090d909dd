import BankCore
import Ledger

extension Account {
    var json: JSON {
        .object([
            ("id", .string(id.description)), ("account_number", .string(number)), ("account_type", .string(type.rawValue)),
            ("nickname", .string(nickname)), ("status", .string(status.rawValue)), ("balance_cents", .integer(balance.cents)),
            ("available_cents", .integer(available.cents)), ("daily_limit_cents", .cents(dailyDebitLimit)),
            ("currency", .string("USD")), ("created_at", .time(createdAt)),
        ])
    }
}

extension AccountLookup {
    func json(holderName: String) -> JSON {
        .object([
            ("id", .string(id.description)), ("account_number", .string(number)), ("account_type", .string(type.rawValue)),
            ("holder_name", .string(holderName)),
        ])
    }
}

extension BalanceReport {
    var json: JSON {
        .object([
            ("account_id", .string(accountID.description)), ("balance_cents", .integer(balance.cents)),
            ("available_cents", .integer(available.cents)), ("computed_balance_cents", .integer(computedBalance.cents)),
            ("match", .bool(matches)), ("currency", .string("USD")),
        ])
    }
}

extension Transaction {
    var json: JSON {
        .object([
            ("id", .string(id.description)), ("account_id", .string(accountID.description)), ("type", .string(type.rawValue)),
            ("kind", .string(kind.rawValue)), ("status", .string(status.rawValue)), ("amount_cents", .integer(amount.cents)),
            ("balance_after_cents", .cents(balanceAfter)), ("description", .string(description)), ("category", .string(category)),
            ("card_id", .id(cardID)), ("transfer_id", .id(transferID)),
            ("counterparty_account_number", .string(counterpartyAccountNumber)), ("decline_reason", .string(declineReason)),
            ("reverses_transaction_id", .id(reversesTransactionID)),
            ("currency", .string("USD")), ("created_at", .time(createdAt)),
        ])
    }
}
