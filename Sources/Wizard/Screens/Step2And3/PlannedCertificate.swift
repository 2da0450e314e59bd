import Deployment

/// The planner's request for one service certificate (Deployment's `CertificateRequest`),
/// under a name that PKI's CSR type of the same name does not shadow.
public typealias PlannedCertificate = CertificateRequest
