import BankCore
import Foundation
public import Ledger

extension Statement {
    /// The columns of the CSV export, in their stable order.
    public static let csvColumns = [
        "date", "transaction_id", "type", "kind", "status", "description", "category", "amount_cents", "amount",
        "balance_after_cents", "balance_after", "counterparty_account_number", "decline_reason",
    ]

    /// The statement's transactions as RFC 4180 CSV with a header row. Cells that a spreadsheet
    /// would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed with `'`.
    public var csv: String { Self.csvHeader + transactions.map(Self.csvRow).joined() }

    /// The CSV's header row, with its CRLF: what a streamed CSV starts with.
    public static var csvHeader: String { csvColumns.joined(separator: ",") + "\r\n" }

    /// One transaction's CSV row, with its CRLF: a streamed CSV writes these after ``csvHeader``.
    public static func csvRow(_ transaction: Transaction) -> String {
        let cells: [String] = [
            transaction.createdAt.rfc3339, transaction.id.description, transaction.type.rawValue, transaction.kind.rawValue,
            transaction.status.rawValue, transaction.description, transaction.category ?? "", String(transaction.amount.cents),
            dollars(transaction.amount), transaction.balanceAfter.map { String($0.cents) } ?? "",
            transaction.balanceAfter.map(dollars) ?? "", transaction.counterpartyAccountNumber ?? "", transaction.declineReason ?? "",
        ]
        return cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// `1234.56`: plain dollars that a spreadsheet reads as a number.
    static func dollars(_ money: Money) -> String {
        let sign = money.cents < 0 ? "-" : ""
        let magnitude = money.cents.magnitude
        return "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)"
    }

    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
