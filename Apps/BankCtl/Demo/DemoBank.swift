import BankCore
import BankRuntime
import Cards
import Foundation
import Identity
import Ledger
import ServiceRequests
import Transfers

/// The demo bank: an admin, an employee and five members with two months of everyday history,
/// created through the modules' public API with a clock that walks through the days.
struct DemoBank {
    /// Every demo user's password. Demo only: never use these logins for anything real.
    static let password = "demo-password-2026"
    static let adminEmail = "admin@demo.bankkit.dev"

    struct Persona {
        let first: String
        let last: String
        let email: String
        let salary: Int64
        let employer: String
    }

    static let members = [
        Persona(first: "Ada", last: "Lovelace", email: "ada@demo.bankkit.dev", salary: 3_800_00, employer: "Analytical Engines Ltd"),
        Persona(first: "Grace", last: "Hopper", email: "grace@demo.bankkit.dev", salary: 4_200_00, employer: "Navy Computing"),
        Persona(first: "Alan", last: "Turing", email: "alan@demo.bankkit.dev", salary: 3_100_00, employer: "Bletchley Labs"),
        Persona(first: "Katherine", last: "Johnson", email: "katherine@demo.bankkit.dev", salary: 3_600_00, employer: "Langley Research"),
        Persona(first: "Linus", last: "Pauling", email: "linus@demo.bankkit.dev", salary: 2_900_00, employer: "Caltech Chemistry"),
    ]
    static let staff = [
        (first: "Erin", last: "Ops", email: "erin@demo.bankkit.dev", role: Role.employee),
        (first: "Adam", last: "Min", email: adminEmail, role: Role.admin),
    ]

    let bank: Bank
    let clock: ManualClock
    var random = SeededGenerator(seed: 2026)
    var say: (String) -> Void

    private struct Member {
        let persona: Persona
        let principal: Principal
        let checking: Account
        let savings: Account
        let card: Card
        var actor: Actor { Actor(principal: principal) }
    }

    /// The first day of the history: the payday (the 1st or the 15th) on or before 61 days ago, so that
    /// every member's history opens with a salary and never with rent they cannot pay yet.
    static func firstDay(until now: Date) -> Date {
        let calendar = Calendar.utcGregorian
        var day = calendar.dateComponents([.year, .month, .day], from: now.addingTimeInterval(-61 * 24 * 3600))
        day.day = day.day! >= 15 ? 15 : 1
        return calendar.date(from: day)!
    }

    /// Creates everything, walking the clock from the first payday of the history to now.
    mutating func seed(until now: Date) async throws {
        let start = Self.firstDay(until: now)
        clock.set(start)
        var members: [Member] = []
        for persona in Self.members {
            let session = try await bank.identity.signUp(
                SignUpRequest(email: persona.email, password: Self.password, firstName: persona.first, lastName: persona.last), actor: .system)
            let principal = Principal(userID: session.user.id, role: .member)
            let actor = Actor(principal: principal)
            let checking = try await bank.ledger.openAccount(owner: principal.userID, type: .checking, nickname: "Everyday", actor: actor)
            let savings = try await bank.ledger.openAccount(owner: principal.userID, type: .savings, nickname: "Rainy day", actor: actor)
            _ = try await bank.ledger.credit(
                checking.id, MovementRequest(amount: Money(cents: random.cents(500_00...1_500_00)), description: "Opening deposit"),
                in: .owner(principal.userID), actor: actor)
            let card = try await bank.cards.issue(
                for: checking.id, holder: "\(persona.first) \(persona.last)", in: .owner(principal.userID), actor: actor)
            members.append(Member(persona: persona, principal: principal, checking: checking, savings: savings, card: card.card))
            say("  member \(persona.email): checking \(checking.number), savings \(savings.number), card •••• \(card.card.lastFour)")
        }
        var staff: [Principal] = []
        for person in Self.staff {
            _ = try await bank.identity.signUp(
                SignUpRequest(email: person.email, password: Self.password, firstName: person.first, lastName: person.last), actor: .system)
            let user = try await bank.identity.setRole(email: person.email, to: person.role, actor: .system)
            staff.append(Principal(userID: user.id, role: person.role))
            say("  \(person.role.rawValue) \(person.email)")
        }

        var day = start
        var postings = 0
        while day < now {
            let components = Calendar.utcGregorian.dateComponents([.day, .weekday], from: day)
            for member in members {
                postings += try await everyday(
                    member, dayOfMonth: components.day!, weekday: components.weekday!, day: day, landlord: members[1], now: now)
            }
            day = day.addingTimeInterval(24 * 3600)
        }
        say("  \(postings) transactions over \(Calendar.utcGregorian.dateComponents([.day], from: start, to: now).day!) days")
        try await stories(members: members, employee: staff[0], now: now)
    }

    /// One member's day: salary, rent, groceries, dining, savings, a shared dinner now and then.
    private mutating func everyday(_ member: Member, dayOfMonth: Int, weekday: Int, day: Date, landlord: Member, now: Date) async throws -> Int {
        let scope = OwnerScope.owner(member.principal.userID)
        var count = 0
        func at(_ hour: Double) -> Bool {
            clock.set(day.addingTimeInterval(hour * 3600))
            return clock.now <= now
        }
        if dayOfMonth == 1 || dayOfMonth == 15, at(8) {
            _ = try await bank.ledger.credit(
                member.checking.id,
                MovementRequest(
                    amount: Money(cents: member.persona.salary / 2), description: "Salary — \(member.persona.employer)", category: "salary"),
                in: scope, actor: member.actor)
            count += 1
        }
        if dayOfMonth == 2, at(9) {
            if member.persona.email == landlord.persona.email {
                _ = try await bank.ledger.debit(
                    member.checking.id, MovementRequest(amount: Money(cents: 1_250_00), description: "Mortgage", category: "housing"),
                    in: scope, actor: member.actor)
            } else {
                _ = try await bank.transfers.transfer(
                    TransferRequest(
                        from: member.checking.id, to: .number(landlord.checking.number), amount: Money(cents: random.cents(900_00...1_150_00)),
                        description: "Rent"),
                    from: scope, actor: member.actor)
            }
            count += 1
        }
        if weekday == 2 || weekday == 5, at(17.5) {
            count += try await purchase(
                member, cents: random.cents(35_00...120_00),
                merchant: ["Corner Grocer", "FreshMart", "Farmers Market"].randomElement(using: &random)!, category: "groceries")
        }
        if weekday == 6, at(20) {
            count += try await purchase(
                member, cents: random.cents(18_00...65_00),
                merchant: ["Trattoria Luna", "Noodle Bar", "The Bistro"].randomElement(using: &random)!, category: "dining")
        }
        if Int.random(in: 0..<4, using: &random) == 0, at(7.75) {
            count += try await purchase(member, cents: random.cents(2_50...15_00), merchant: "City Transit", category: "transport")
        }
        if dayOfMonth == 20, at(10) {
            _ = try await bank.transfers.transfer(
                TransferRequest(
                    from: member.checking.id, to: .account(member.savings.id), amount: Money(cents: random.cents(150_00...400_00)),
                    description: "Monthly saving"),
                from: scope, actor: member.actor)
            count += 1
        }
        return count
    }

    private mutating func purchase(_ member: Member, cents: Int64, merchant: String, category: String) async throws -> Int {
        let purchase = CardPurchase(cardID: member.card.id, amount: Money(cents: cents), merchant: merchant, category: category)
        _ = try await bank.cards.purchase(purchase, on: member.checking.id, in: .owner(member.principal.userID), actor: member.actor)
        return 1
    }

    /// The moments worth showing: a shared dinner, a declined purchase, one completed and one pending service request.
    private mutating func stories(members: [Member], employee: Principal, now: Date) async throws {
        let (ada, grace, alan, katherine) = (members[0], members[1], members[2], members[3])
        clock.set(now.addingTimeInterval(-3 * 24 * 3600))
        _ = try await bank.transfers.transfer(
            TransferRequest(
                from: grace.checking.id, to: .number(ada.checking.number), amount: Money(cents: 42_50), description: "Dinner split — thanks!"),
            from: .owner(grace.principal.userID), actor: grace.actor)
        clock.set(now.addingTimeInterval(-2 * 24 * 3600))
        do {
            _ = try await bank.cards.purchase(
                CardPurchase(cardID: alan.card.id, amount: Money(cents: 9_999_00), merchant: "Enigma Machines Inc", category: "electronics"),
                on: alan.checking.id, in: .owner(alan.principal.userID), actor: alan.actor)
        } catch let error as LedgerError where error.errorCode == .insufficientFunds {
            say("  declined: Alan's \(Money(cents: 9_999_00)) purchase (insufficient funds), stored as transaction \(error.transactionID!)")
        }
        clock.set(now.addingTimeInterval(-36 * 3600))
        let replacement = try await bank.requests.file(
            .cardReplacement(card: katherine.card.id, reason: .lost), member: katherine.principal.userID, actor: katherine.actor)
        clock.set(now.addingTimeInterval(-30 * 3600))
        _ = try await bank.requests.approve(
            replacement.id, by: employee.userID, note: "Identity confirmed by phone.", actor: Actor(principal: employee))
        say("  completed request: Katherine's lost card replaced")
        clock.set(now.addingTimeInterval(-2 * 3600))
        _ = try await bank.requests.file(
            .limitIncrease(account: alan.checking.id, dailyLimit: Money(cents: 2_500_00)), member: alan.principal.userID, actor: alan.actor)
        say("  pending request: Alan asks for a $2,500.00 daily limit")
    }
}
