// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cmscerts",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cmscerts", targets: ["cmscerts"]),
        .library(name: "PKI", targets: ["PKI"]),
        .library(name: "Orchestration", targets: ["Orchestration"]),
        .library(name: "Lab", targets: ["Lab"]),
        .executable(name: "cms-lab-node", targets: ["cms-lab-node"]),
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
        // The simulated CMS cluster: MMP commands with real effects, and its Transport.
        .target(name: "Lab", dependencies: ["PKI", "Orchestration"]),
        // One simulated MMP on stdin/stdout (the forced command behind sshd).
        .executableTarget(name: "cms-lab-node", dependencies: ["Lab"]),
        // The executable: argument parsing only; the work is in the libraries.
        .executableTarget(
            name: "cmscerts",
            dependencies: [
                "PKI",
                "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PKITests", dependencies: ["PKI"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "PKI", "Orchestration", "cms-lab-node"]),
    ],
    swiftLanguageModes: [.v5]
)
