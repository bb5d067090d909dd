/// What a user may do. A user has exactly one role; it changes only through `bankctl promote`.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// A customer: owns accounts, cards and service requests.
    case member
    /// Works the service-request queue; never sees balances beyond what the queue needs.
    case employee
    /// Reads everything org-wide; never moves money.
    case admin
}

/// The authenticated caller of a use case.
public struct Principal: Sendable, Hashable {
    /// The user acting.
    public let userID: UserID
    /// The user's role, as read from the database.
    public let role: Role
    /// The login session the request belongs to, when it came with a token.
    public let sessionID: SessionID?

    /// Creates a principal.
    public init(userID: UserID, role: Role, sessionID: SessionID? = nil) {
        self.userID = userID
        self.role = role
        self.sessionID = sessionID
    }
}

/// Who is acting and from where: what the audit log records for each state change.
public struct Actor: Sendable, Hashable {
    /// The authenticated user, or `nil` for anonymous calls (signup, a failed login) and system work.
    public let principal: Principal?
    /// The client's IP address, when known.
    public let ip: String?
    /// The client's User-Agent, when known.
    public let userAgent: String?
    /// The request id that ties the audit row to the logs.
    public let requestID: String?

    /// Creates an actor.
    public init(principal: Principal?, ip: String? = nil, userAgent: String? = nil, requestID: String? = nil) {
        self.principal = principal
        self.ip = ip
        self.userAgent = userAgent
        self.requestID = requestID
    }

    /// Work done by the system itself (migrations, seeding, tools), with no user behind it.
    public static let system = Actor(principal: nil)

    /// The same actor with a different principal (after signup or login established one).
    public func with(principal: Principal) -> Actor {
        Actor(principal: principal, ip: ip, userAgent: userAgent, requestID: requestID)
    }
}

/// Whose things a query may see: one owner's (a member) or everyone's (an admin's read-only view).
///
/// A member asking for something that is not theirs gets "not found", exactly as if it did not exist.
public enum OwnerScope: Sendable, Hashable {
    /// Only things owned by this user.
    case owner(UserID)
    /// Everything (read-only org-wide views and tools).
    case any

    /// Whether a thing owned by `owner` is visible in this scope.
    public func allows(_ owner: UserID?) -> Bool {
        switch self {
        case .any: true
        case .owner(let id): owner == id
        }
    }
}
