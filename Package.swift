// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cmscerts",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cmscerts", targets: ["cmscerts"]),
        .library(name: "PKI", targets: ["PKI"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "NcursesBackend", targets: ["NcursesBackend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
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
        // The executable: argument parsing only; the work is in the libraries.
        .executableTarget(
            name: "cmscerts",
            dependencies: [
                "PKI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PKITests", dependencies: ["PKI"]),
        // ncursesw (libncursesw5-dev): the only module that sees it is NcursesBackend.
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // The pure terminal toolkit: cells, buffers, layout, widgets, themes, the program loop.
        .target(
            name: "TerminalUI",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The one place that talks to the terminal: draws TerminalUI buffers with ncurses.
        .target(name: "NcursesBackend", dependencies: ["TerminalUI", "CNcurses"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        // Every widget on the real terminal: try a theme by eye; the backend's tmux tests run it.
        .executableTarget(name: "tui-demo", dependencies: ["TerminalUI", "NcursesBackend"]),
        // Key decoding and colour fallback, and tui-demo in tmux: keys, resize, restore on signals.
        .testTarget(name: "NcursesBackendTests", dependencies: ["NcursesBackend", "TerminalUI", "CNcurses", "tui-demo"]),
    ],
    swiftLanguageModes: [.v5]
)
