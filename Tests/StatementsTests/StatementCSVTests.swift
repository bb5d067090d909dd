import BankCore
import BankTestSupport
import Foundation
import Ledger
import Statements
import Testing

@Suite struct StatementCSVTests {
    @Test func csvHasAHeaderStableColumnsAndOneRowPerTransaction() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        try await bank.deposit(1_234_56, to: account.id, description: "Salary, November")
        try await bank.withdraw(5, from: account.id, description: "Coffee \"large\"")
        _ = try? await bank.withdraw(10_000_00, from: account.id, description: "Declined")

        let statement = try await bank.statements.statement(for: account.id, period: try StatementPeriod(year: 2026, month: 11), in: bank.mine)
        let lines = statement.csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }

        #expect(lines.count == 4)
        #expect(lines[0] == "date,transaction_id,type,kind,status,description,category,amount_cents,amount,balance_after_cents,balance_after,counterparty_account_number,decline_reason")
        #expect(lines[1].hasSuffix(",credit,deposit,posted,\"Salary, November\",,123456,1234.56,123456,1234.56,,"))
        #expect(lines[2].hasSuffix(",debit,withdrawal,posted,\"Coffee \"\"large\"\"\",,5,0.05,123451,1234.51,,"))
        #expect(lines[3].hasSuffix(",debit,withdrawal,declined,Declined,,1000000,10000.00,,,,insufficient_funds"))
    }

    @Test func cellsThatASpreadsheetWouldRunAsFormulasAreNeutralised() async throws {
        let bank = try TestBank()
        let account = try await bank.openAccount()
        for text in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")"] {
            try await bank.deposit(1, to: account.id, description: text)
        }

        let statement = try await bank.statements.statement(for: account.id, period: try StatementPeriod(year: 2026, month: 11), in: bank.mine)
        let descriptions = statement.csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: ",")[5] }

        #expect(descriptions == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "\"'=HYPERLINK(\"\"http://x\"\")\""])
    }
}
