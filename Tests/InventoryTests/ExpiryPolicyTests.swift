import Foundation
import PKI
import Testing
@testable import Inventory

@Suite("Thresholds and exit codes")
struct ExpiryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let day: TimeInterval = 86_400

    @Test func warningStartsAtExactlyTheWarnDays() throws {
        let policy = try ExpiryPolicy(warningDays: 30, criticalDays: 7)
        #expect(policy.status(notBefore: start, notAfter: now + 30 * day, at: now) == .warning)
        #expect(policy.status(notBefore: start, notAfter: now + 30 * day + 1, at: now) == .ok)
    }

    @Test func criticalStartsAtExactlyTheCritDays() throws {
        let policy = try ExpiryPolicy(warningDays: 30, criticalDays: 7)
        #expect(policy.status(notBefore: start, notAfter: now + 7 * day, at: now) == .critical)
        #expect(policy.status(notBefore: start, notAfter: now + 7 * day + 1, at: now) == .warning)
    }

    @Test func expiredOneSecondAfterNotAfterNotBefore() throws {
        let policy = try ExpiryPolicy()
        #expect(policy.status(notBefore: start, notAfter: now, at: now) == .critical)
        #expect(policy.status(notBefore: start, notAfter: now - 1, at: now) == .expired)
    }

    @Test func notYetValidUntilNotBefore() throws {
        let policy = try ExpiryPolicy()
        #expect(policy.status(notBefore: now + 1, notAfter: now + 400 * day, at: now) == .notYetValid)
        #expect(policy.status(notBefore: now, notAfter: now + 400 * day, at: now) == .ok)
    }

    @Test func thresholdsOfOtherValuesAreHonoured() throws {
        let policy = try ExpiryPolicy(warningDays: 60, criticalDays: 0)
        #expect(policy.status(notBefore: start, notAfter: now + 45 * day, at: now) == .warning)
        #expect(policy.status(notBefore: start, notAfter: now + 1, at: now) == .warning)
        #expect(policy.status(notBefore: start, notAfter: now, at: now) == .critical)
    }

    @Test func criticalLargerThanWarningIsRefused() {
        #expect(throws: InventoryError.self) { try ExpiryPolicy(warningDays: 7, criticalDays: 30) }
        #expect(throws: InventoryError.self) { try ExpiryPolicy(warningDays: -1, criticalDays: 0) }
    }

    @Test func exitCodesAreNagios() {
        #expect(CertificateStatus.ok.checkState.rawValue == 0)
        #expect(CertificateStatus.warning.checkState.rawValue == 1)
        #expect(CertificateStatus.critical.checkState.rawValue == 2)
        #expect(CertificateStatus.expired.checkState.rawValue == 2)
        #expect(CertificateStatus.notYetValid.checkState.rawValue == 2)
        #expect(CertificateStatus.unreadable.checkState.rawValue == 3)
    }

    @Test func theWorstRowDecidesTheExitCode() throws {
        let policy = try ExpiryPolicy()
        let chain = try TempFolder()
        defer { chain.remove() }
        let made = try TestChain(in: chain, leafDays: 400)
        let leaf = CertificateSummary(try made.certificate("leaf.crt"))
        // Seen 31, 30 and 7 days before notAfter, and one second after it.
        func row(at moment: Date) -> CertificateRow {
            CertificateRow(summary: leaf, source: .file, file: "leaf.crt", member: 1, policy: policy, now: moment)
        }
        let ok = row(at: leaf.notAfter - 31 * day)
        let warning = row(at: leaf.notAfter - 30 * day)
        let critical = row(at: leaf.notAfter - 7 * day)
        let expired = row(at: leaf.notAfter + 1)
        let unreadable = CertificateRow(unreadable: "x.crt", reason: "broken", source: .file)
        #expect([ok.status, warning.status, critical.status, expired.status] == [.ok, .warning, .critical, .expired])
        #expect([ok].checkState == .ok)
        #expect([ok, warning].checkState == .warning)
        #expect([ok, warning, unreadable].checkState == .unknown)
        #expect([ok, unreadable, critical].checkState == .critical)
        #expect([expired, unreadable].checkState.rawValue == 2)
        #expect([CertificateRow]().checkState == .ok)
        var withProblem = ok
        withProblem.problems = ["chain out of order"]
        #expect([withProblem].checkState == .warning)
        #expect(expired.daysLeft == -1)
        #expect(critical.daysLeft == 7)
    }
}
