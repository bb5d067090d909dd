import ServiceRequests
import Testing

@Suite struct ServiceRequestTypeTests {
    @Test func everyTypeHasTheRawValueOfTheAPI() {
        #expect(ServiceRequestType.allCases.map(\.rawValue) == [
            "card_replacement", "name_change", "transaction_dispute", "account_closure", "limit_increase",
        ])
    }
}
