import BankCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Renders every failure as RFC 9457 `application/problem+json`; the one place errors become statuses.
enum Problem {
    /// The status of a domain error's kind.
    static func status(of kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .locked: HTTPResponse.Status(code: 423, reasonPhrase: "Locked")
        case .rateLimited: .tooManyRequests
        }
    }

    /// Status, headers and body for `error`; `nil` for errors that are not ours (they become a logged 500).
    static func render(_ error: any Error, requestID: String) -> (HTTPResponse.Status, HTTPFields, [UInt8])? {
        switch error {
        case let error as any BankError:
            let status = status(of: error.kind)
            return (status, [:], body(status: status, code: error.code, title: error.title, detail: error.detail,
                                      fieldErrors: error.fieldErrors, extensions: error.extensions, requestID: requestID))
        case let error as HTTPProblem:
            return (error.status, error.headers, body(status: error.status, code: error.code, title: error.status.reasonPhrase,
                                                      detail: error.detail, fieldErrors: error.fieldErrors, extensions: [:], requestID: requestID))
        case let error as any HTTPResponseError:
            // Hummingbird's own refusals (no route, wrong method, body too large, unreadable request).
            switch error.status {
            case .notFound: return render(HTTPProblem.notFound, requestID: requestID)
            case .contentTooLarge: return render(HTTPProblem.tooLarge, requestID: requestID)
            case let status where status.code >= 500: return nil
            case let status:
                let code = status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
                return render(HTTPProblem(status: status, code: code, detail: "\(status.reasonPhrase)."), requestID: requestID)
            }
        default:
            return nil
        }
    }

    /// The problem for an unexpected failure: no detail leaks.
    static func internalError(requestID: String) -> [UInt8] {
        body(status: .internalServerError, code: "internal_error", title: "Internal Server Error",
             detail: "Something went wrong on our side; the request id identifies it in our logs.", fieldErrors: [], extensions: [:],
             requestID: requestID)
    }

    /// A response for `error`, or for an internal error.
    static func response(for error: any Error, requestID: String) -> Response {
        guard let (status, headers, bytes) = render(error, requestID: requestID) else {
            return response(status: .internalServerError, headers: [:], bytes: internalError(requestID: requestID))
        }
        return response(status: status, headers: headers, bytes: bytes)
    }

    static func response(status: HTTPResponse.Status, headers: HTTPFields, bytes: [UInt8]) -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func body(
        status: HTTPResponse.Status, code: String, title: String, detail: String, fieldErrors: [FieldError],
        extensions: [String: ErrorValue], requestID: String
    ) -> [UInt8] {
        var members: [(String, JSON)] = [
            ("type", .string("https://bankkit.dev/problems/" + code.replacingOccurrences(of: "_", with: "-"))),
            ("title", .string(title)), ("status", .integer(Int64(status.code))), ("detail", .string(detail)),
            ("code", .string(code)), ("request_id", .string(requestID)),
        ]
        for (key, value) in extensions.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .string(let string): members.append((key, .string(string)))
            case .int(let int): members.append((key, .integer(int)))
            case .bool(let bool): members.append((key, .bool(bool)))
            }
        }
        if !fieldErrors.isEmpty {
            members.append(("errors", .array(fieldErrors.map { .object([("field", .string($0.field)), ("message", .string($0.message))]) })))
        }
        return JSON.object(members).bytes
    }
}
