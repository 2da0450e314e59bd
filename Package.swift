// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cmscerts",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cmscerts", targets: ["cmscerts"]),
        .library(name: "PKI", targets: ["PKI"]),
        .library(name: "Orchestration", targets: ["Orchestration"]),
        .library(name: "Deployment", targets: ["Deployment"]),
        .library(name: "Lab", targets: ["Lab"]),
        .executable(name: "cms-lab-node", targets: ["cms-lab-node"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "NcursesBackend", targets: ["NcursesBackend"]),
        .library(name: "Inventory", targets: ["Inventory"]),
        .library(name: "Wizard", targets: ["Wizard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // OpenSSL 3 (libssl-dev): the only module that sees it is PKI.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // The one sanitiser for text from outside on its way to a terminal (no dependencies).
        .target(name: "TerminalText"),
        // The PKI engine: keys, CSRs, the built-in CA, inspect, match, verify, bundles, file store.
        .target(name: "PKI", dependencies: ["COpenSSL", "TerminalText"]),
        // Runs a Plan: transports (SSH), executor, journal.
        .target(name: "Orchestration", dependencies: ["Deployment", "PKI"]),
        // The estate from YAML, its validation, and the planner (estate + flow -> Plan). Pure, no I/O
        // but the one bounded read of a deployment file (DeploymentFile.read).
        .target(name: "Deployment", dependencies: ["PKI", .product(name: "Yams", package: "Yams")]),
        // A simulated CMS cluster: MMP commands with real effects; implements Orchestration's Transport.
        .target(name: "Lab", dependencies: ["PKI", "Orchestration", "Deployment"]),
        // One simulated MMP on stdin/stdout, or behind sshd as the forced command.
        .executableTarget(name: "cms-lab-node", dependencies: ["Lab"]),
        // Times the executor on simulated clusters of 3 to 20 nodes (swift run apply-bench).
        .executableTarget(name: "apply-bench", dependencies: ["Orchestration", "Deployment", "Lab", "PKI"]),
        // Gathers certificates for the expiry dashboard: files, nodes, TLS endpoints.
        .target(name: "Inventory", dependencies: ["PKI", "Orchestration", "Deployment", "TerminalText"]),
        // ncursesw (libncursesw5-dev): the only module that sees it is NcursesBackend.
        // No pkgConfig: ncursesw.pc only adds -D flags SwiftPM refuses (a warning in every build); the module map links ncursesw.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncursesw5-dev"])]),
        // A pure terminal UI toolkit: Buffer, widgets, themes, the program loop. No ncurses.
        .target(name: "TerminalUI", dependencies: ["TerminalText", .product(name: "Yams", package: "Yams")]),
        // Puts a TerminalUI program on a real terminal through ncurses.
        .target(name: "NcursesBackend", dependencies: ["TerminalUI", "CNcurses"]),
        // A gallery of every widget, which the backend's tmux tests drive.
        .executableTarget(name: "tui-demo", dependencies: ["TerminalUI", "NcursesBackend"]),
        // The application: state, messages, update, view; one screen per step.
        .target(name: "Wizard", dependencies: ["TerminalUI", "PKI", "Deployment", "Orchestration", "Inventory"]),
        // The executable: argument parsing only; the work is in the libraries.
        .executableTarget(
            name: "cmscerts",
            dependencies: [
                "PKI",
                "Orchestration",
                "Deployment",
                "Lab",
                "Inventory",
                "Wizard",
                "NcursesBackend",
                "TerminalUI",
                "TerminalText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz harnesses (Fuzz/run.sh builds them with -sanitize=fuzzer; a plain build
        // replays a corpus through them instead). FuzzSupport is the shared driver.
        .target(name: "FuzzSupport", path: "Sources/Fuzz/FuzzSupport"),
        .executableTarget(name: "fuzz-certificate-reader", dependencies: ["FuzzSupport", "PKI", "Inventory"], path: "Sources/Fuzz/fuzz-certificate-reader"),
        .executableTarget(name: "fuzz-csr-spec", dependencies: ["FuzzSupport", "PKI"], path: "Sources/Fuzz/fuzz-csr-spec"),
        .executableTarget(name: "fuzz-deployment-file", dependencies: ["FuzzSupport", "Deployment"], path: "Sources/Fuzz/fuzz-deployment-file"),
        .executableTarget(name: "fuzz-mmp-output", dependencies: ["FuzzSupport", "Orchestration", "Inventory", "Deployment"], path: "Sources/Fuzz/fuzz-mmp-output"),
        .executableTarget(name: "fuzz-key-decoder", dependencies: ["FuzzSupport", "NcursesBackend", "TerminalUI"], path: "Sources/Fuzz/fuzz-key-decoder"),
        // Shared by the test targets: temporary folders, the openssl judge, our executables, sshd.
        .target(name: "TestSupport", dependencies: ["Orchestration"], path: "Sources/TestSupport"),
        .testTarget(name: "PKITests", dependencies: ["PKI", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["PKI", "TestSupport"]),
        .testTarget(name: "OrchestrationTests", dependencies: ["Orchestration", "TestSupport", "Deployment", "Lab", "PKI", "cms-lab-node", "cmscerts"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment", "PKI", "TestSupport", .product(name: "Yams", package: "Yams")], exclude: ["Golden"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "PKI", "Orchestration", "TestSupport", "cms-lab-node"]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "PKI", "Orchestration", "Deployment", "Lab", "TestSupport"]),
        .testTarget(name: "TerminalTextTests", dependencies: ["TerminalText"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "TerminalText"]),
        .testTarget(name: "NcursesBackendTests", dependencies: ["NcursesBackend", "TerminalUI", "CNcurses", "tui-demo"]),
        // Replays each fuzz harness over its seed corpus (the plain build has no libFuzzer).
        .testTarget(name: "FuzzTests", dependencies: ["TestSupport", "fuzz-certificate-reader", "fuzz-csr-spec", "fuzz-deployment-file",
                                                      "fuzz-mmp-output", "fuzz-key-decoder"]),
        .testTarget(name: "WizardTests", dependencies: ["Wizard", "TerminalUI", "PKI", "Lab", "Deployment", "Orchestration", "Inventory", "TestSupport", "cmscerts"], exclude: ["Snapshots"]),
    ],
    swiftLanguageModes: [.v5]
)
