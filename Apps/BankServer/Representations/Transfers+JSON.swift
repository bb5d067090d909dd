import BankCore
import Transfers

extension Transfer {
    var json: JSON {
        .object([
            ("id", .string(id.description)), ("from_account_id", .string(fromAccountID.description)),
            ("to_account_id", .string(toAccountID.description)), ("amount_cents", .integer(amount.cents)),
            ("description", .string(description)), ("debit_transaction", debitTransaction?.json ?? .null),
            ("credit_transaction", creditTransaction?.json ?? .null), ("currency", .string("USD")), ("created_at", .time(createdAt)),
        ])
    }
}
