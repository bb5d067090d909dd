// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "bankkit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BankCore", targets: ["BankCore"]),
        .library(name: "Sodium", targets: ["Sodium"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Identity", targets: ["Identity"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Transfers", targets: ["Transfers"]),
        .library(name: "Cards", targets: ["Cards"]),
        .library(name: "Statements", targets: ["Statements"]),
        .library(name: "ServiceRequests", targets: ["ServiceRequests"]),
        .library(name: "Admin", targets: ["Admin"]),
        .library(name: "BankRuntime", targets: ["BankRuntime"]),
        .executable(name: "bank-server", targets: ["BankServer"]),
        .executable(name: "bankctl", targets: ["BankCtl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["JSON", "CommandLineArguments"]),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // MARK: - Modules (libraries an integrator can import one by one)
        .target(name: "BankCore", path: "Modules/BankCore"),
        .systemLibrary(
            name: "CSodium",
            path: "Modules/CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "Sodium", dependencies: ["CSodium"], path: "Modules/Sodium"),
        .systemLibrary(name: "CSQLiteConfig", path: "Modules/CSQLiteConfig", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "Storage",
            dependencies: [
                "BankCore", "Sodium", "CSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/Storage"
        ),
        .target(
            name: "Identity",
            dependencies: [
                "BankCore", "Sodium", "Storage",
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Modules/Identity"
        ),
        .target(
            name: "Ledger",
            dependencies: ["BankCore", "Storage"],
            path: "Modules/Ledger"
        ),
        .target(
            name: "Transfers",
            dependencies: ["BankCore", "Storage", "Ledger"],
            path: "Modules/Transfers"
        ),
        .target(
            name: "Cards",
            dependencies: ["BankCore", "Sodium", "Storage", "Ledger"],
            path: "Modules/Cards"
        ),
        .target(
            name: "Statements",
            dependencies: ["BankCore", "Storage", "Ledger"],
            path: "Modules/Statements"
        ),
        .target(
            name: "ServiceRequests",
            dependencies: ["BankCore", "Storage"],
            path: "Modules/ServiceRequests"
        ),
        .target(
            name: "Admin",
            dependencies: ["BankCore", "Storage", "Identity", "Ledger", "ServiceRequests"],
            path: "Modules/Admin"
        ),
        .target(
            name: "BankRuntime",
            dependencies: [
                "BankCore", "Sodium", "Storage", "Identity", "Ledger", "Transfers", "Cards", "Statements", "ServiceRequests", "Admin",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Modules/BankRuntime"
        ),

        // MARK: - Apps
        // The member web client: static ES modules under public/, no build step; bank-server serves them at /.
        .target(name: "WebClient", path: "Apps/WebClient", exclude: ["README.md"], resources: [.copy("public")]),
        // glibc's malloc.h, for the server's memory settings (Apps/BankServer/ProcessMemory.swift).
        .systemLibrary(name: "CMalloc", path: "Apps/CMalloc"),
        .executableTarget(
            name: "BankServer",
            dependencies: [
                "BankCore", "Sodium", "Storage", "Identity", "Ledger", "Transfers", "Cards", "Statements", "ServiceRequests", "Admin",
                "BankRuntime", "WebClient", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Apps/BankServer",
            resources: [.copy("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "BankCtl",
            dependencies: [
                "BankCore", "Storage", "Identity", "BankRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Apps/BankCtl"
        ),

        // MARK: - Tests
        .testTarget(name: "BankCoreTests", dependencies: ["BankCore"]),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"]),
        .testTarget(name: "StorageTests", dependencies: ["BankTestSupport", "Storage", "BankCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "IdentityTests", dependencies: ["BankTestSupport", "Identity", "Storage", "BankCore"]),
        .testTarget(name: "LedgerTests", dependencies: ["BankTestSupport", "Ledger", "Storage", "BankCore"]),
        .testTarget(name: "TransfersTests", dependencies: ["BankTestSupport", "Transfers", "Ledger", "Storage", "BankCore"]),
        .target(
            name: "BankTestSupport",
            dependencies: [
                "BankCore", "Sodium", "Storage", "Identity", "Ledger", "Transfers", "Cards", "Statements", "BankRuntime",
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Tests/BankTestSupport"
        ),
        .testTarget(
            name: "CardsTests",
            dependencies: ["BankTestSupport", "Cards", "Ledger", "Storage", "BankCore"]
        ),
        .testTarget(
            name: "StatementsTests",
            dependencies: [
                "BankTestSupport", "Statements", "Cards", "Transfers", "Ledger", "Storage", "BankCore",
            ]
        ),
        .testTarget(
            name: "ServiceRequestsTests",
            dependencies: [
                "BankTestSupport", "BankRuntime", "ServiceRequests", "Cards", "Identity", "Ledger", "Transfers", "Storage", "BankCore", "Sodium",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        .testTarget(
            name: "BankRuntimeTests",
            dependencies: [
                "BankTestSupport", "BankRuntime", "Cards", "Ledger", "Transfers", "Storage", "BankCore",
            ]
        ),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "BankTestSupport", "BankRuntime", "Admin", "ServiceRequests", "Cards", "Identity", "Ledger", "Storage", "BankCore", "Sodium",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        .testTarget(
            name: "BankServerTests",
            dependencies: [
                "BankServer", "BankTestSupport", "BankRuntime", "BankCore", "Storage", "Identity", "Ledger", "Transfers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BankCtlTests",
            dependencies: [
                "BankCtl", "BankTestSupport", "BankRuntime", "Identity", "Storage", "BankCore", "Cards", "Ledger", "Admin", "ServiceRequests",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
    ]
)

// House settings, set once for every target we own.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}

// MARK: - Micro benchmarks (only with BANKKIT_BENCHMARKS=1; see Benchmarks/micro.sh)
// ordo-one/benchmark and its plugin are resolved and built only for benchmark runs, in release,
// so that the everyday debug build and the tests never pay for them.
if Context.environment["BANKKIT_BENCHMARKS"] == "1" {
    package.dependencies.append(.package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "MicroBenchmarks",
            dependencies: [
                "BankCore", "Sodium", "Storage", "Identity", "Ledger", "Transfers", "Statements",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MicroBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ))
}
