#if canImport(Glibc)
import CMalloc
#endif
import ServiceLifecycle

/// How the server asks glibc's allocator to keep its resident memory from creeping up under long load.
///
/// Measured with the soak of Tests/Reliability (10 minutes of mixed traffic): by default glibc gives
/// busy threads arenas of their own (up to eight per core) and keeps what they free, and the server's
/// resident memory grew 85 % while the memory in use stayed under 19 MiB (heaptrack; most of it
/// SQLite's page caches, which their `cache_size` bounds). Two arenas, a fixed mmap threshold and
/// returning free pages every 5 s brought that to 14–23 % (figures in Tests/Reliability/README.md).
enum ProcessMemory {
    /// Call first thing in `main`, before other threads allocate.
    static func configure() {
        #if canImport(Glibc)
        // Two arenas for all threads, rather than up to eight per core.
        _ = mallopt(M_ARENA_MAX, 2)
        // Blocks of 256 KiB and more (a statement's CSV, say) get pages of their own, which go back to the
        // system when freed. A fixed threshold also stops glibc raising it after each such free.
        _ = mallopt(M_MMAP_THRESHOLD, 256 * 1024)
        #endif
    }

    /// Hands the allocator's free pages back to the system.
    static func trim() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}

/// Calls ``ProcessMemory/trim()`` every `interval` until the server shuts down.
struct MemoryTrimmer: Service, CustomStringConvertible {
    var interval: Duration = .seconds(5)
    var description: String { "MemoryTrimmer" }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                ProcessMemory.trim()
            }
        }
    }
}
