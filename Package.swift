// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cmscerts",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cmscerts", targets: ["cmscerts"]),
        .library(name: "PKI", targets: ["PKI"]),
        .library(name: "Orchestration", targets: ["Orchestration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // OpenSSL 3 (libssl-dev): the only module that sees it is PKI.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // The PKI engine: keys, CSRs, the built-in CA, inspect, match, verify, bundles, file store.
        .target(name: "PKI", dependencies: ["COpenSSL"]),
        // Runs a Plan: transports, executor, journal.
        .target(name: "Orchestration"),
        // The expiry dashboard's engine: certificates from files, nodes and TLS endpoints.
        .target(name: "Inventory", dependencies: ["PKI", "Orchestration"]),
        // The executable: argument parsing only; the work is in the libraries.
        .executableTarget(
            name: "cmscerts",
            dependencies: [
                "PKI",
                "Inventory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PKITests", dependencies: ["PKI"]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "PKI", "Orchestration"]),
    ],
    swiftLanguageModes: [.v5]
)
