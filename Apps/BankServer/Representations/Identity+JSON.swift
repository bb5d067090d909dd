import BankCore
import Identity

extension User {
    /// `{id, email, role}`, as in auth responses.
    var summaryJSON: JSON {
        .object([("id", .string(id.description)), ("email", .string(email)), ("role", .string(role.rawValue))])
    }

    /// The profile of `/account-holders/me`.
    var profileJSON: JSON {
        .object([
            ("id", .string(id.description)), ("email", .string(email)), ("role", .string(role.rawValue)),
            ("first_name", .string(firstName)), ("last_name", .string(lastName)), ("phone", .string(phone)),
            ("created_at", .time(createdAt)),
        ])
    }
}

extension AuthSession {
    var json: JSON { json(includingRefreshToken: true) }

    /// Without the refresh token (`null`) when it travels in the web client's cookie instead.
    func json(includingRefreshToken: Bool) -> JSON {
        .object([
            ("access_token", .string(accessToken)), ("refresh_token", includingRefreshToken ? .string(refreshToken) : .null),
            ("token_type", .string("bearer")),
            ("expires_in", .integer(Int64(expiresIn))), ("user", user.summaryJSON),
        ])
    }
}
