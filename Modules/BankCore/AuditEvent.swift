/// One state change to record in the audit log, in the same transaction as the change.
public struct AuditEvent: Sendable, Hashable {
    /// What happened, dotted (`transfer.created`, `auth.login_failed`).
    public let action: String
    /// The kind of thing it happened to (`user`, `account`, `transfer`).
    public let targetType: String
    /// The thing's id, when there is one.
    public let targetID: String?
    /// Small facts worth keeping (`amount_cents`), never secrets.
    public let details: [String: String]

    /// Creates an audit event.
    public init(action: String, targetType: String, targetID: String?, details: [String: String] = [:]) {
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.details = details
    }
}
