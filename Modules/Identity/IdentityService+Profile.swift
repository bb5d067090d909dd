public import BankCore
package import Foundation
package import Storage

/// Changes to a profile; `nil` fields stay as they are. Email and role are not writable here.
public struct ProfileUpdate: Sendable {
    public var firstName: String?
    public var lastName: String?
    /// `.some(nil)` clears the phone number.
    public var phone: String??

    /// Creates an update.
    public init(firstName: String? = nil, lastName: String? = nil, phone: String?? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
    }
}

extension IdentityService {
    /// Applies a profile update. - Throws: `ValidationError`; ``IdentityError`` `user_not_found`.
    public func updateProfile(_ userID: UserID, _ update: ProfileUpdate, actor: Actor) async throws -> User {
        var validator = Validator()
        if let first = update.firstName { Self.checkName(first, field: "first_name", in: &validator) }
        if let last = update.lastName { Self.checkName(last, field: "last_name", in: &validator) }
        if case .some(.some(let phone)) = update.phone { Self.checkPhone(phone, in: &validator) }
        try validator.validate()
        let now = clock.now()
        return try await database.write { db in
            guard var record = try UserRecord.find(userID, in: db, forUpdate: true) else {
                throw IdentityError(.userNotFound, "No user with id \(userID).")
            }
            var changed: [String] = []
            if let first = update.firstName { record.firstName = first.trimmingCharacters(in: .whitespaces); changed.append("first_name") }
            if let last = update.lastName { record.lastName = last.trimmingCharacters(in: .whitespaces); changed.append("last_name") }
            if let phone = update.phone { record.phone = phone; changed.append("phone") }
            record.updatedAt = now
            try db.execute(
                "UPDATE users SET first_name = ?, last_name = ?, phone = ?, updated_at = ? WHERE id = ?",
                [record.firstName, record.lastName, record.phone, record.updatedAt, userID])
            try database.audit.append(
                AuditEvent(action: "profile.updated", targetType: "user", targetID: userID.description,
                           details: ["fields": changed.joined(separator: ",")]),
                by: actor, at: now, in: db)
            return record.user
        }
    }

    /// Changes a user's legal name inside the caller's transaction (an approved name-change request).
    /// - Throws: `ValidationError`; ``IdentityError`` `user_not_found`.
    package func rename(_ userID: UserID, firstName: String, lastName: String, actor: Actor, at now: Date, db: any SQLDatabase) throws -> User {
        var validator = Validator()
        Self.checkName(firstName, field: "first_name", in: &validator)
        Self.checkName(lastName, field: "last_name", in: &validator)
        try validator.validate()
        guard var record = try UserRecord.find(userID, in: db, forUpdate: true) else {
            throw IdentityError(.userNotFound, "No user with id \(userID).")
        }
        record.firstName = firstName.trimmingCharacters(in: .whitespaces)
        record.lastName = lastName.trimmingCharacters(in: .whitespaces)
        record.updatedAt = now
        try db.execute(
            "UPDATE users SET first_name = ?, last_name = ?, updated_at = ? WHERE id = ?",
            [record.firstName, record.lastName, record.updatedAt, userID])
        try database.audit.append(
            AuditEvent(action: "profile.updated", targetType: "user", targetID: userID.description, details: ["fields": "first_name,last_name"]),
            by: actor, at: now, in: db)
        return record.user
    }

    /// Gives the user with `email` a new role (the `bankctl promote` use case). Audited.
    /// - Throws: ``IdentityError`` `user_not_found`.
    public func setRole(email: String, to role: Role, actor: Actor) async throws -> User {
        let normalized = Self.normalize(email: email)
        let now = clock.now()
        defer { sessions.invalidate() }
        return try await database.write { db in
            guard var record = try UserRecord.find(email: normalized, in: db, forUpdate: true) else {
                throw IdentityError(.userNotFound, "No user with email \(normalized).")
            }
            let previous = record.role
            record.role = role
            record.updatedAt = now
            try db.execute("UPDATE users SET role = ?, updated_at = ? WHERE id = ?", [record.role, record.updatedAt, record.id])
            try database.audit.append(
                AuditEvent(action: "user.role_changed", targetType: "user", targetID: record.id.description,
                           details: ["from": previous.rawValue, "to": role.rawValue]),
                by: actor, at: now, in: db)
            return record.user
        }
    }

    /// Masked display names ("Ada L.") of users, for showing a transfer's counterparty.
    public func maskedNames(of userIDs: [UserID]) async throws -> [UserID: String] {
        guard !userIDs.isEmpty else { return [:] }
        return try await database.read { db in
            let placeholders = Array(repeating: "?", count: userIDs.count).joined(separator: ", ")
            let records = try db.rows("SELECT * FROM users WHERE id IN (\(placeholders))", SQLArguments(userIDs.map(\.sqlValue)))
                .map(UserRecord.init(row:))
            return Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0.user.maskedName) })
        }
    }
}
