#include <sqlite3.h>

/// sqlite3_config is variadic, so Swift cannot call it. Turns off SQLite's memory statistics, which take a
/// process-wide mutex on every allocation and free; nothing in BankKit reads them. Only effective before SQLite
/// initialises (the first connection opened in the process); afterwards it returns SQLITE_MISUSE and changes nothing.
static inline int bankkit_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
