import Foundation
import Testing
@testable import TerminalUI

/// The repository's themes/ folder.
let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

@Suite struct ThemeFileTests {
    @Test func everyShippedThemeLoads() throws {
        let catalog = ThemeCatalog(folders: [themesFolder])
        let names = catalog.available().map(\.name)
        #expect(names == ["default", "high-contrast", "monochrome", "nord"])
        for info in catalog.available() {
            #expect(info.path != nil)
            #expect(!info.description.hasPrefix("unusable"), "\(info.name): \(info.description)")
            let theme = try catalog.load(named: info.name)
            #expect(Set(theme.styles.keys) == Set(Role.allCases), "\(info.name) gives every role")
        }
    }

    @Test func builtInThemesSayWhatTheFilesSay() throws {
        let catalog = ThemeCatalog(folders: [themesFolder])
        #expect(try catalog.load(named: "default") == Theme.builtInDefault)
        #expect(try catalog.load(named: "monochrome") == Theme.builtInMonochrome)
        #expect(Theme.builtInMonochrome.isMonochrome)
        #expect(!Theme.builtInDefault.isMonochrome)
    }

    @Test func rolesResolveOverNormal() throws {
        let nord = try ThemeCatalog(folders: [themesFolder]).load(named: "nord")
        #expect(nord[.title] == Style(fg: .indexed(110), bg: .indexed(236), modifiers: .bold))
        let sparse = try Theme.parse(yaml: "version: 1\nroles:\n  normal: { fg: white, bg: black }\n", name: "sparse")
        #expect(sparse[.error] == Style(fg: .white, bg: .black), "a role left out looks like normal")
        #expect(Theme(name: "empty", styles: [:])[.selected] == .plain)
    }

    @Test func withoutColorKeepsAttributes() {
        let plain = Theme.builtInDefault.withoutColor
        #expect(plain.isMonochrome)
        #expect(plain[.selected].modifiers == [.bold])
        #expect(plain[.selected].bg == .default)
    }
}

@Suite struct ThemeErrorTests {
    func error(_ yaml: String) -> ThemeError? {
        do {
            _ = try Theme.parse(yaml: yaml, name: "bad", file: "themes/bad.yaml")
            return nil
        } catch let e as ThemeError {
            return e
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func unknownColourNamesFileLineAndKey() throws {
        let e = try #require(error("version: 1\nroles:\n  title: { fg: purpel }\n"))
        #expect(e.file == "themes/bad.yaml")
        #expect(e.key == "roles.title.fg")
        #expect(e.line == 3)
        #expect(e.description.hasPrefix("themes/bad.yaml:3: roles.title.fg: unknown colour \"purpel\""))
        #expect(e.description.contains("bright-blue"))
    }

    @Test func wrongOrMissingVersion() throws {
        let wrong = try #require(error("version: 2\nroles: {}\n"))
        #expect(wrong.key == "version")
        #expect(wrong.problem.contains("version 2 is not supported"))
        let missing = try #require(error("roles: {}\n"))
        #expect(missing.key == "version")
        #expect(missing.problem.contains("missing"))
        let text = try #require(error("version: one\n"))
        #expect(text.key == "version")
    }

    @Test func unknownKeysRolesAndAttributes() throws {
        #expect(try #require(error("version: 1\ncolours: {}\n")).key == "colours")
        let role = try #require(error("version: 1\nroles:\n  titel: { fg: red }\n"))
        #expect(role.key == "roles.titel")
        #expect(role.problem.contains("unknown role"))
        let attr = try #require(error("version: 1\nroles:\n  title: { attributes: [bold, blink] }\n"))
        #expect(attr.key == "roles.title.attributes")
        #expect(attr.problem.contains("\"blink\""))
        let field = try #require(error("version: 1\nroles:\n  title: { foreground: red }\n"))
        #expect(field.key == "roles.title.foreground")
        let index = try #require(error("version: 1\nroles:\n  title: { bg: 256 }\n"))
        #expect(index.key == "roles.title.bg")
    }

    @Test func notYAMLOrNotAMapping() throws {
        let syntax = try #require(error("version: 1\nroles: [unclosed\n"))
        #expect(syntax.problem.hasPrefix("not valid YAML"))
        #expect(try #require(error("- a\n- b\n")).problem.contains("expected a mapping"))
        #expect(try #require(error("")).problem.contains("expected a mapping"))
        #expect(try #require(error("version: 1\nroles: red\n")).key == "roles")
    }

    @Test func goodAttributesAsListOrWord() throws {
        let t = try Theme.parse(yaml: "version: 1\nroles:\n  title: { fg: 208, bg: grey, attributes: underline }\n  ok: { attributes: [bold, dim] }\n", name: "t")
        #expect(t.styles[.title] == Style(fg: .indexed(208), bg: .named(.brightBlack), modifiers: .underline))
        #expect(t.styles[.ok] == Style(modifiers: [.bold, .dim]))
    }
}

@Suite struct ThemeCatalogTests {
    func scratchFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func noColorSelectsMonochromeUnlessAThemeIsNamed() throws {
        let catalog = ThemeCatalog(folders: [themesFolder])
        let noColor = try catalog.select(named: nil, environment: ["NO_COLOR": "1"])
        #expect(noColor.name == "monochrome")
        #expect(noColor.isMonochrome)
        #expect(try catalog.select(named: nil, environment: ["NO_COLOR": ""]).name == "default")
        #expect(try catalog.select(named: nil, environment: [:]).name == "default")
        #expect(try catalog.select(named: "nord", environment: ["NO_COLOR": "1"]).name == "nord")
    }

    @Test func builtInsWhenNoFolderHasThemes() throws {
        let catalog = ThemeCatalog(folders: ["/nonexistent/themes"])
        #expect(catalog.available().map(\.name) == ["default", "monochrome"])
        #expect(catalog.available().allSatisfy { $0.path == nil })
        #expect(try catalog.select(named: nil, environment: [:]) == .builtInDefault)
        #expect(try catalog.select(named: nil, environment: ["NO_COLOR": "yes"]) == Theme.builtInMonochrome.withoutColor)
        #expect(throws: ThemeError.self) { try catalog.load(named: "nord") }
    }

    @Test func badFileIsListedWithItsErrorAndRefusedOnLoad() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = (dir as NSString).appendingPathComponent("broken.yaml")
        try "version: 1\nroles:\n  title: { fg: purpel }\n".write(toFile: path, atomically: true, encoding: .utf8)
        try "version: 1\ndescription: Mine\nroles: {}\n".write(toFile: (dir as NSString).appendingPathComponent("default.yaml"), atomically: true, encoding: .utf8)
        try "not a theme".write(toFile: (dir as NSString).appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(folders: [dir, themesFolder])
        let listed = catalog.available()
        #expect(listed.map(\.name) == ["broken", "default", "high-contrast", "monochrome", "nord"])
        #expect(listed[0].description.hasPrefix("unusable: \(path):3: roles.title.fg"))
        #expect(listed[1].description == "Mine", "the first folder wins")
        do {
            _ = try catalog.load(named: "broken")
            Issue.record("a broken theme loaded")
        } catch let e as ThemeError {
            #expect(e.file == path)
            #expect(e.key == "roles.title.fg")
        }
        let unknown = #expect(throws: ThemeError.self) { try catalog.load(named: "solarized") }
        #expect(unknown?.problem.contains("themes are broken, default") == true)
    }
}
