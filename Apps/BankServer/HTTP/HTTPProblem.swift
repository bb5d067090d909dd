import BankCore
import HTTPTypes
import Hummingbird

/// A failure that belongs to HTTP itself (malformed JSON, wrong media type, no token, rate limit),
/// rendered as problem+json like every domain error.
struct HTTPProblem: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let detail: String
    var headers: HTTPFields = [:]
    var fieldErrors: [FieldError] = []

    static let unauthenticated = HTTPProblem(
        status: .unauthorized, code: "invalid_token", detail: "A valid access token is required: Authorization: Bearer <token>.")
    static let notFound = HTTPProblem(status: .notFound, code: "not_found", detail: "There is no such resource.")
    static let tooLarge = HTTPProblem(status: .contentTooLarge, code: "payload_too_large", detail: "Request bodies are limited to 64 KiB.")
    static let unsupportedMediaType = HTTPProblem(
        status: .unsupportedMediaType, code: "unsupported_media_type", detail: "Send request bodies as application/json.")

    static func malformed(_ detail: String) -> HTTPProblem {
        HTTPProblem(status: .badRequest, code: "malformed_json", detail: "The body is not valid JSON: \(detail).")
    }

    static func badRequest(code: String, _ detail: String) -> HTTPProblem {
        HTTPProblem(status: .badRequest, code: code, detail: detail)
    }
}
