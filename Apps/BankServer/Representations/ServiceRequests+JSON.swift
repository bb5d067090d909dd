import BankCore
import ServiceRequests

extension ServiceRequest {
    var json: JSON { json(replacementPAN: nil) }

    /// The request; `replacementPAN` is the new card's number on the member's first view of a completed replacement.
    func json(replacementPAN: String?) -> JSON {
        let fields = details.fields
        var members: [(String, JSON)] = [
            ("id", .string(id.description)), ("type", .string(type.rawValue)), ("status", .string(status.rawValue)),
            ("member_id", .string(memberID.description)), ("account_id", .string(fields["account_id"])),
            ("card_id", .string(fields["card_id"])), ("transaction_id", .string(fields["transaction_id"])),
            ("details", .object(fields.sorted { $0.key < $1.key }.map { key, value in
                (key, key.hasSuffix("_cents") ? Int64(value).map { .integer($0) } ?? .string(value) : .string(value))
            })),
            ("note", .string(note)), ("rejection_reason", .string(rejectionReason)), ("decided_by", .id(decidedBy)),
            ("decided_at", decidedAt.map { .time($0) } ?? .null),
            ("result", .object(result.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("created_at", .time(createdAt)), ("updated_at", .time(updatedAt)),
        ]
        if let replacementPAN { members.append(("replacement_card_pan", .string(replacementPAN))) }
        return .object(members)
    }
}
