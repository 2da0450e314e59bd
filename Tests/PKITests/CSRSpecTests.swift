import Testing
@testable import PKI

@Suite("Step 1 syntax")
struct CSRSpecTests {
    @Test func parsesTheArticlesDatabaseServerLine() throws {
        let spec = try CSRSpec.parse(line: "dbserver CN:cmscore1.example.com subjectAltName:cmscore2.example.com,cmscore3.example.com")
        #expect(spec.basename == "dbserver")
        #expect(spec.subject.commonName == "cmscore1.example.com")
        #expect(spec.subjectAltNames.map(\.value) == ["cmscore1.example.com", "cmscore2.example.com", "cmscore3.example.com"])
        #expect(spec.notes.count == 1)
        #expect(spec.notes[0].contains("added to subjectAltName"))
    }
}
