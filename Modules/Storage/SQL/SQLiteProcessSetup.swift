import CSQLiteConfig

/// Process-wide SQLite settings, applied once before the first connection opens.
enum SQLiteProcessSetup {
    /// Turns off SQLite's memory statistics: with them on, every allocation and free inside SQLite takes one
    /// process-wide mutex, which the writer shares with the checkpointer and the readers (seeding ran 8–15 %
    /// faster without it, in interleaved runs). Too late once a connection has opened in this process (tests
    /// open many); SQLite then keeps counting and nothing else changes.
    static let applied: Void = { _ = bankkit_sqlite_disable_memory_statistics() }()
}
