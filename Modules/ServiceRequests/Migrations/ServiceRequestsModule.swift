public import GRDB
public import Storage

/// The service-request table: one row per request, its state, the decision and the effect's result.
public struct ServiceRequestsModule: BankModule {
    public var name: String { "service-requests" }

    /// Creates the module value.
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("service-requests.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE service_requests (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        member_id TEXT NOT NULL,
                        type TEXT NOT NULL CHECK (type IN ('card_replacement', 'name_change', 'transaction_dispute', 'account_closure', 'limit_increase')),
                        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'completed', 'rejected', 'cancelled')),
                        account_id TEXT,
                        card_id TEXT,
                        transaction_id TEXT,
                        details TEXT NOT NULL,
                        note TEXT,
                        rejection_reason TEXT,
                        decided_by TEXT,
                        decided_at DATETIME,
                        result TEXT,
                        result_viewed_at DATETIME,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
                    );
                    CREATE INDEX service_requests_member ON service_requests(member_id, seq);
                    CREATE INDEX service_requests_status ON service_requests(status, seq);
                    """)
        }
    }
}
