public import BankCore
import Foundation
import Sodium
import Storage

/// What a new member gives at signup.
public struct SignUpRequest: Sendable {
    public var email: String
    public var password: String
    public var firstName: String
    public var lastName: String
    public var phone: String?

    /// Creates a signup request.
    public init(email: String, password: String, firstName: String, lastName: String, phone: String? = nil) {
        self.email = email
        self.password = password
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
    }
}

extension IdentityService {
    /// Creates a member and logs them in. - Throws: `ValidationError`; ``IdentityError`` `email_taken`.
    public func signUp(_ request: SignUpRequest, actor: Actor) async throws -> AuthSession {
        let email = Self.normalize(email: request.email)
        var validator = Validator()
        validator.check(Self.isPlausibleEmail(email), "email", "must be a valid email address")
        Self.checkPassword(request.password, field: "password", in: &validator)
        Self.checkName(request.firstName, field: "first_name", in: &validator)
        Self.checkName(request.lastName, field: "last_name", in: &validator)
        if let phone = request.phone { Self.checkPhone(phone, in: &validator) }
        try validator.validate()

        let passwordHash = try await hasher.hash(request.password)
        let now = clock.now()
        let record = UserRecord(
            id: ids.next(), email: email, passwordHash: passwordHash,
            firstName: request.firstName.trimmingCharacters(in: .whitespaces),
            lastName: request.lastName.trimmingCharacters(in: .whitespaces), phone: request.phone, role: .member,
            status: "active", failedLoginCount: 0, lockoutCount: 0, lockedUntil: nil, createdAt: now, updatedAt: now)
        let principal = Principal(userID: record.id, role: .member)
        let refresh: (SessionID, String)
        do {
            refresh = try await database.write { db in
                try record.insert(in: db)
                try database.audit.append(
                    AuditEvent(action: "user.signup", targetType: "user", targetID: record.id.description),
                    by: actor.with(principal: principal), at: now, in: db)
                return try startSession(for: record.id, at: now, in: db)
            }
        } catch let error where SQLConstraint.violated(by: error) == .unique {
            throw IdentityError(.emailTaken, "An account with this email already exists.")
        }
        return try await session(user: record.user, sessionID: refresh.0, refreshToken: refresh.1)
    }

    /// Logs a user in with email and password.
    ///
    /// Five failures in a row lock the user for 15 minutes, doubling on each further lock; a success
    /// resets both counts. A source whose failures already caused a lock locks only itself out after
    /// that (see ``LockoutPolicy``). An unknown email costs the same hash time and gets the same answer
    /// as a wrong password.
    /// - Parameter actor: the caller; its `ip` is the source failures are counted against.
    /// - Throws: ``IdentityError`` `invalid_credentials` or `account_locked`.
    public func logIn(email rawEmail: String, password: String, actor: Actor) async throws -> AuthSession {
        let email = Self.normalize(email: rawEmail)
        let source = LoginSourceRecord.source(of: actor.ip)
        let now = clock.now()
        let found: (UserRecord, LoginSourceRecord)? = try await database.read { db in
            guard let user = try UserRecord.find(email: email, in: db) else { return nil }
            return (user, try LoginSourceRecord.find(user: user.id, source: source, in: db))
        }
        guard let (record, sourceRecord) = found else {
            _ = await hasher.verify(password, against: try await decoyHash())
            try await database.write { db in
                _ = try database.audit.append(
                    AuditEvent(action: "auth.login_failed", targetType: "user", targetID: nil, details: ["reason": "unknown_email"]),
                    by: actor, at: now, in: db)
            }
            throw IdentityError.invalidCredentials
        }
        for lockedUntil in [record.lockedUntil, sourceRecord.lockedUntil].compactMap(\.self) where lockedUntil > now {
            throw IdentityError(.accountLocked, "Too many failed logins; try again after \(lockedUntil.rfc3339).", lockedUntil: lockedUntil)
        }
        let principal = Principal(userID: record.id, role: record.role)
        guard await hasher.verify(password, against: record.passwordHash) else {
            try await recordFailedLogin(record.id, from: source, actor: actor.with(principal: principal), at: now)
            throw IdentityError.invalidCredentials
        }
        guard record.status == "active" else { throw IdentityError(.userDisabled, "This user is disabled.") }
        let (sessionID, refreshToken) = try await database.write { db in
            try db.execute(
                "UPDATE users SET failed_login_count = 0, lockout_count = 0, locked_until = NULL WHERE id = ?", [record.id])
            // This source knows the password; the streak is over. Offenders elsewhere stay marked.
            try db.execute("DELETE FROM login_sources WHERE user_id = ? AND (source = ? OR lockout_count = 0)", [record.id, source])
            try database.audit.append(
                AuditEvent(action: "auth.login_succeeded", targetType: "user", targetID: record.id.description),
                by: actor.with(principal: principal), at: now, in: db)
            return try startSession(for: record.id, at: now, in: db)
        }
        return try await session(user: record.user, sessionID: sessionID, refreshToken: refreshToken)
    }

    /// Ends a user's lockout early (an employee's or admin's action), and every source's lock of that user.
    /// - Throws: ``IdentityError`` `user_not_found`.
    public func unlock(_ userID: UserID, actor: Actor) async throws -> User {
        let now = clock.now()
        return try await database.write { db in
            guard var record = try UserRecord.find(userID, in: db, forUpdate: true) else {
                throw IdentityError(.userNotFound, "No user with id \(userID).")
            }
            record.failedLoginCount = 0
            record.lockedUntil = nil
            record.updatedAt = now
            try db.execute(
                "UPDATE users SET failed_login_count = ?, locked_until = ?, updated_at = ? WHERE id = ?",
                [record.failedLoginCount, record.lockedUntil, record.updatedAt, userID])
            try db.execute("DELETE FROM login_sources WHERE user_id = ? AND lockout_count = 0", [userID])
            try db.execute("UPDATE login_sources SET failed_count = 0, locked_until = NULL, updated_at = ? WHERE user_id = ?", [now, userID])
            try database.audit.append(
                AuditEvent(action: "user.unlocked", targetType: "user", targetID: userID.description), by: actor, at: now, in: db)
            return record.user
        }
    }

    /// Counts a wrong password from `source`: towards the user's lock, or, for a source that already
    /// caused a lock of this user, towards that source's own lock only.
    private func recordFailedLogin(_ userID: UserID, from source: String, actor: Actor, at now: Date) async throws {
        let lockout = lockout
        try await database.write { db in
            guard var record = try UserRecord.find(userID, in: db, forUpdate: true) else { return }
            var row = try LoginSourceRecord.find(user: userID, source: source, in: db, forUpdate: true)
            var details: [String: String]
            var lock: (until: Date, scope: String)?
            if row.lockoutCount > 0 {
                row.failedCount += 1
                details = ["failed_login_count": String(row.failedCount), "scope": "source"]
                if row.failedCount >= lockout.threshold {
                    let until = now.addingTimeInterval(lockout.duration(forLockNumber: row.lockoutCount))
                    row.lockedUntil = until
                    row.lockoutCount += 1
                    row.failedCount = 0
                    lock = (until, "source")
                }
            } else {
                record.failedLoginCount += 1
                row.failedCount += 1
                details = ["failed_login_count": String(record.failedLoginCount)]
                if record.failedLoginCount >= lockout.threshold {
                    let until = now.addingTimeInterval(lockout.duration(forLockNumber: record.lockoutCount))
                    record.lockedUntil = until
                    record.lockoutCount += 1
                    record.failedLoginCount = 0
                    lock = (until, "user")
                    // Every source of this streak caused the lock: from now on its failures lock only itself.
                    try db.execute(
                        "UPDATE login_sources SET failed_count = 0, lockout_count = 1, updated_at = ? WHERE user_id = ? AND failed_count > 0",
                        [now, userID])
                    row.failedCount = 0
                    row.lockoutCount = 1
                }
                record.updatedAt = now
                try db.execute(
                    "UPDATE users SET failed_login_count = ?, lockout_count = ?, locked_until = ?, updated_at = ? WHERE id = ?",
                    [record.failedLoginCount, record.lockoutCount, record.lockedUntil, record.updatedAt, userID])
            }
            row.updatedAt = now
            try row.save(in: db)
            if let lock { details["locked_until"] = lock.until.rfc3339 }
            try database.audit.append(
                AuditEvent(action: "auth.login_failed", targetType: "user", targetID: userID.description, details: details),
                by: actor, at: now, in: db)
            if let lock {
                var lockDetails = ["locked_until": lock.until.rfc3339]
                if lock.scope == "source" { lockDetails["scope"] = "source" }
                try database.audit.append(
                    AuditEvent(action: "auth.locked", targetType: "user", targetID: userID.description, details: lockDetails),
                    by: actor, at: now, in: db)
            }
        }
    }

    // MARK: - Validation

    static func isPlausibleEmail(_ email: String) -> Bool {
        guard email.count <= 254, !email.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }

    static func checkPassword(_ password: String, field: String, in validator: inout Validator) {
        validator.check((12...128).contains(password.count), field, "must be 12 to 128 characters")
    }

    package static func checkName(_ name: String, field: String, in validator: inout Validator) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        validator.check(
            (1...100).contains(trimmed.count) && !trimmed.unicodeScalars.contains(where: \.isForbiddenInText),
            field, "must be 1 to 100 characters, without control characters")
    }

    static func checkPhone(_ phone: String, in validator: inout Validator) {
        let allowed = CharacterSet(charactersIn: "0123456789+-() ")
        let digits = phone.filter(\.isNumber).count
        validator.check(
            phone.count <= 20 && (7...15).contains(digits) && phone.unicodeScalars.allSatisfy { allowed.contains($0) },
            "phone", "must be a phone number of 7 to 15 digits")
    }
}

extension IdentityService {
    /// Creates a member whose password is already hashed (a migration from another system, or
    /// synthetic data that shares one hash). Audited like a signup; no session is started.
    /// - Throws: `ValidationError` for bad fields or a hash that is not Argon2id; ``IdentityError`` `email_taken`.
    public func provision(_ request: SignUpRequest, passwordHash: String, actor: Actor) async throws -> User {
        let email = Self.normalize(email: request.email)
        var validator = Validator()
        validator.check(Self.isPlausibleEmail(email), "email", "must be a valid email address")
        validator.check(passwordHash.hasPrefix("$argon2id$"), "password_hash", "must be an Argon2id hash")
        Self.checkName(request.firstName, field: "first_name", in: &validator)
        Self.checkName(request.lastName, field: "last_name", in: &validator)
        try validator.validate()
        let now = clock.now()
        let record = UserRecord(
            id: ids.next(), email: email, passwordHash: passwordHash, firstName: request.firstName, lastName: request.lastName,
            phone: request.phone, role: .member, status: "active", failedLoginCount: 0, lockoutCount: 0, lockedUntil: nil, createdAt: now,
            updatedAt: now)
        do {
            try await database.write { db in
                try record.insert(in: db)
                try database.audit.append(
                    AuditEvent(action: "user.provisioned", targetType: "user", targetID: record.id.description), by: actor, at: now, in: db)
            }
        } catch let error where SQLConstraint.violated(by: error) == .unique {
            throw IdentityError(.emailTaken, "An account with this email already exists.")
        }
        return record.user
    }

    /// An Argon2id hash of `password`, for ``provision(_:passwordHash:actor:)``.
    public func hashPassword(_ password: String) async throws -> String { try await hasher.hash(password) }
}
