import Foundation
import Lab

// One simulated CMS node (its MMP) on stdin/stdout; the work is in the Lab module.
exit(LabNodeProgram.main())
