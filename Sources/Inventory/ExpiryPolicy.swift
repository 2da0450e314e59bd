import Foundation

/// The state of a check as monitoring reads it, with the exit codes of Nagios plugins:
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
public enum CheckState: Int32, Codable, Sendable, CaseIterable {
    case ok = 0, warning = 1, critical = 2, unknown = 3

    /// How bad: critical outranks unknown (a certificate known to be expired matters more
    /// than a file that could not be read), unknown outranks warning.
    public var severity: Int {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .unknown: return 2
        case .critical: return 3
        }
    }

    /// The worse of two states.
    public func worse(_ other: CheckState) -> CheckState { other.severity > severity ? other : self }

    public var label: String {
        switch self {
        case .ok: return "OK"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        case .unknown: return "UNKNOWN"
        }
    }
}

/// The expiry status of one certificate (or of a file that could not be read).
public enum CertificateStatus: String, Codable, Sendable, CaseIterable {
    case ok
    case warning
    case critical
    case expired
    case notYetValid = "not yet valid"
    /// Read, but its validity dates are not times anyone can read: neither valid nor
    /// expired, and monitoring must say so (UNKNOWN), not guess.
    case unknown
    case unreadable

    /// What monitoring makes of it: a certificate not yet valid cannot be served, so it
    /// is as critical as an expired one; an unreadable file is unknown.
    public var checkState: CheckState {
        switch self {
        case .ok: return .ok
        case .warning: return .warning
        case .critical, .expired, .notYetValid: return .critical
        case .unknown, .unreadable: return .unknown
        }
    }
}

/// The thresholds: a certificate with `warningDays` or less left is a warning, with
/// `criticalDays` or less critical, past its notAfter expired (a certificate is still
/// valid at the very second of its notAfter, as OpenSSL counts it).
public struct ExpiryPolicy: Sendable, Hashable, Codable {
    public var warningDays: Int
    public var criticalDays: Int

    /// Checks the thresholds: both zero or more, critical no larger than warning.
    public init(warningDays: Int = 30, criticalDays: Int = 7) throws {
        guard warningDays >= 0, criticalDays >= 0 else {
            throw InventoryError("the thresholds must be zero or more days (--warn \(warningDays), --crit \(criticalDays))")
        }
        guard criticalDays <= warningDays else {
            throw InventoryError("--crit \(criticalDays) is larger than --warn \(warningDays): the critical threshold must be the nearer one")
        }
        self.warningDays = warningDays
        self.criticalDays = criticalDays
    }

    /// The status of a certificate valid from `notBefore` to `notAfter`, seen at `now`.
    public func status(notBefore: Date, notAfter: Date, at now: Date) -> CertificateStatus {
        if now < notBefore { return .notYetValid }
        if now > notAfter { return .expired }
        let left = notAfter.timeIntervalSince(now)
        if left <= TimeInterval(criticalDays) * 86_400 { return .critical }
        if left <= TimeInterval(warningDays) * 86_400 { return .warning }
        return .ok
    }
}

/// An error of the inventory, worded for the admin.
public struct InventoryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
