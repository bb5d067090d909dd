public import BankCore
import Foundation
import Sodium
import Storage

extension IdentityService {
    /// Trades a refresh token for a new pair. The old token is spent; presenting it again revokes its whole family.
    /// - Throws: ``IdentityError`` `invalid_refresh_token` or `refresh_token_reused`.
    public func refresh(_ refreshToken: String, actor: Actor) async throws -> AuthSession {
        let hash = tokenHash.hexHash(refreshToken)
        let now = clock.now()
        enum Outcome { case rotated(UserRecord, SessionID, String), reused }
        let outcome: Outcome = try await database.write { db in
            // Locks the token and its session (on engines that lock rows): of two refreshes with one token,
            // the second sees the first's `used_at`.
            guard
                let row = try db.row(
                    """
                    SELECT t.session_id, t.expires_at, t.used_at, s.user_id, s.revoked_at
                    FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?
                    """ + db.dialect.forUpdate, [hash]),
                let sessionID = row["session_id"] as SessionID?, let userID = row["user_id"] as UserID?,
                let user = try UserRecord.find(userID, in: db)
            else { throw IdentityError.invalidRefreshToken }
            let principal = Principal(userID: userID, role: user.role, sessionID: sessionID)
            if row.optionalTimestamp("used_at") != nil {
                try revokeSession(sessionID, reason: "refresh_token_reused", at: now, in: db)
                try database.audit.append(
                    AuditEvent(action: "auth.refresh_token_reused", targetType: "session", targetID: sessionID.description),
                    by: actor.with(principal: principal), at: now, in: db)
                return .reused
            }
            guard row.optionalTimestamp("revoked_at") == nil, row.timestamp("expires_at") > now, user.status == "active" else {
                throw IdentityError.invalidRefreshToken
            }
            try db.execute("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?", [now, hash])
            return .rotated(user, sessionID, try insertRefreshToken(session: sessionID, at: now, in: db))
        }
        switch outcome {
        case .reused:
            sessions.invalidate()
            throw IdentityError(.refreshTokenReused, "This refresh token was already used; every session token of its family is revoked.")
        case .rotated(let user, let sessionID, let token):
            return try await session(user: user.user, sessionID: sessionID, refreshToken: token)
        }
    }

    /// Ends the caller's session: its refresh-token family and every access token issued in it stop working.
    public func logOut(_ principal: Principal, actor: Actor) async throws {
        guard let sessionID = principal.sessionID else { return }
        let now = clock.now()
        try await database.write { db in
            try revokeSession(sessionID, reason: "logout", at: now, in: db)
            try database.audit.append(
                AuditEvent(action: "auth.logout", targetType: "session", targetID: sessionID.description), by: actor, at: now, in: db)
        }
        sessions.invalidate()
    }

    /// Changes the caller's password and revokes every other session of theirs.
    /// - Throws: `ValidationError`; ``IdentityError`` `current_password_incorrect`.
    public func changePassword(_ principal: Principal, current: String, new: String, actor: Actor) async throws {
        var validator = Validator()
        Self.checkPassword(new, field: "new_password", in: &validator)
        try validator.validate()
        try await confirmPassword(principal, password: current)
        let newHash = try await hasher.hash(new)
        let now = clock.now()
        try await database.write { db in
            try db.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", [newHash, now, principal.userID])
            // Every other session: all of them when the caller has none (`id IS NOT NULL`, as before). Two statements
            // rather than `id IS NOT ?`, which PostgreSQL does not accept.
            if let current = principal.sessionID {
                try db.execute(
                    "UPDATE sessions SET revoked_at = ?, revoked_reason = 'password_changed' WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
                    [now, principal.userID, current])
            } else {
                try db.execute(
                    "UPDATE sessions SET revoked_at = ?, revoked_reason = 'password_changed' WHERE user_id = ? AND revoked_at IS NULL",
                    [now, principal.userID])
            }
            try database.audit.append(
                AuditEvent(action: "auth.password_changed", targetType: "user", targetID: principal.userID.description),
                by: actor, at: now, in: db)
        }
        sessions.invalidate()
    }

    /// Re-authenticates a logged-in user before a sensitive action (revealing a card number).
    /// - Throws: ``IdentityError`` `current_password_incorrect`.
    public func confirmPassword(_ principal: Principal, password: String) async throws {
        let record = try await database.read { db in try UserRecord.find(principal.userID, in: db) }
        guard let record, await hasher.verify(password, against: record.passwordHash) else {
            throw IdentityError(.currentPasswordIncorrect, "The password is incorrect.")
        }
    }

    // MARK: - Internals

    func startSession(for userID: UserID, at now: Date, in db: any SQLDatabase) throws -> (SessionID, String) {
        let sessionID: SessionID = ids.next()
        try db.execute("INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)", [sessionID, userID, now])
        return (sessionID, try insertRefreshToken(session: sessionID, at: now, in: db))
    }

    private func insertRefreshToken(session: SessionID, at now: Date, in db: any SQLDatabase) throws -> String {
        let token = SecureRandom.token()
        try db.execute(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [tokenHash.hexHash(token), session, now, now.addingTimeInterval(Self.refreshTokenLifetime)])
        return token
    }

    private func revokeSession(_ sessionID: SessionID, reason: String, at now: Date, in db: any SQLDatabase) throws {
        try db.execute("UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL", [now, reason, sessionID])
    }

    func session(user: User, sessionID: SessionID, refreshToken: String) async throws -> AuthSession {
        let accessToken = try await tokens.issue(userID: user.id, role: user.role, session: sessionID)
        return AuthSession(
            accessToken: accessToken, refreshToken: refreshToken, expiresIn: Int(tokens.lifetime), sessionID: sessionID, user: user)
    }
}
