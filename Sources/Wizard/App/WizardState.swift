import Deployment
import Foundation
import Inventory
import Orchestration
import PKI
import TerminalUI

/// The screens of the wizard.
public enum Screen: Hashable, Sendable {
    /// The estate, the steps and the ways in.
    case home
    /// Step 1: one key and CSR in the MMP's syntax.
    case csr
    /// Bundles: choose files, see the chain, write it in CMS order.
    case bundles
    /// The files and commands an operation will write and run, before it does.
    case review
    /// The colour themes.
    case themes
    /// Step 5: the plan per node, then the run with progress per node.
    case apply
    /// The expiry dashboard: every certificate of the workspace and the nodes.
    case dashboard
    /// Step 4: inspect, match and verify the workspace's files.
    case verify
    /// The article's troubleshooting situations, each a plan for Step 5.
    case troubleshoot
    /// Step 2: the CSRs the plan makes, per node and service.
    case step2
    /// Step 3: the database cluster's sequence across the nodes.
    case step3
    /// The deployment file: open, create, edit.
    case deployment
    /// The built-in lab's clock, moved from the dashboard.
    case labClock
}

/// An engine error as the wizard shows it: the sentence, and the field it is about.
public struct WizardFailure: Error, Hashable, Sendable {
    /// The whole sentence.
    public var message: String
    /// The field or file it is about, when known.
    public var field: String?

    /// A failure.
    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    /// The failure for any error the engine throws.
    public init(_ error: Error) {
        if let pki = error as? PKIError {
            self.init(pki.message, field: pki.field)
        } else {
            self.init("\(error)")
        }
    }
}

/// Everything that can happen in the wizard: keys, resizes, and the results of the work
/// its commands do off the input loop.
public enum WizardMessage: Sendable {
    /// A key press.
    case key(Key)
    /// The terminal's size.
    case resize(Size)
    /// An operation checked and ready for review (or why it cannot be), for `origin`.
    case prepared(origin: Screen, Result<PreparedOperation, WizardFailure>)
    /// The confirmed operation finished.
    case performed(Result<OperationResult, WizardFailure>)
    /// The spinner's clock while an operation runs.
    case tick
    /// The workspace's files, for the bundle picker.
    case filesListed(Result<[BrowsedFile], WizardFailure>)
    /// The chain and checks for the files picked.
    case bundleAnalysed(BundleAnalysis)
    /// The bundle screen's messages.
    case bundles(BundleScreenState.Message)
    /// Step 5's messages.
    case step5(ApplyState.Message)
    /// The deployment form's messages.
    case deployment(DeploymentForm.Message)
    /// The dashboard's messages.
    case dashboard(DashboardState.Message)
    /// Steps 2 and 3's messages.
    case plan(PlanViewState.Message)
    /// Step 4's messages.
    case step4(VerifyState.Message)
    /// Step 1's messages.
    case step1(CSRBuilder.Message)
    /// The review's messages.
    case review(ReviewState.Message)
    /// The home screen's messages.
    case home(HomeScreen.Message)
    /// Troubleshooting's messages.
    case troubleshoot(TroubleshootScreen.Message)
    /// The theme picker's messages.
    case themes(ThemesScreen.Message)
    /// The lab clock's messages.
    case labClock(LabClockScreen.Message)
    /// Step 5: what the executor reports while it runs.
    case applyEvent(ExecutionEvent)
    /// Step 5: the run could not start (the transports or the journal), and why.
    case applyCouldNotStart(WizardFailure)
    /// Step 5: what the nodes hold now, read for a renewal flow's plan (or why not).
    case applyStateRead(flow: Flow, Result<CurrentState, WizardFailure>)
    /// The dashboard's rows, read by refresh number `generation` at `at`.
    case dashboardLoaded(generation: Int, rows: [CertificateRow], at: Date, nodes: [NodeScan] = [])
    /// What endpoint `index` of the dashboard presented, probed by probing number `generation`.
    case dashboardEndpointProbed(generation: Int, index: Int, EndpointProbe)
    /// Step 4: the workspace's files.
    case verifyFilesListed(Result<[BrowsedFile], WizardFailure>)
    /// Step 4: a node's files, read for source switch number `generation`.
    case verifyNodeListed(generation: Int, Result<NodeFileListing, WizardFailure>)
    /// Step 4: the checks of one file, asked for source switch number `generation`.
    case verified(generation: Int, VerifyResult)
    /// A deployment file checked and ready for review (or why not), with what it will be.
    case deploymentPrepared(origin: Screen, Result<PreparedOperation, WizardFailure>, SavedDeployment?)
    /// The deployment file typed at F3, read (or why it could not be).
    case deploymentOpened(path: String, Result<String, WizardFailure>)
}

/// The help overlay and how far it is scrolled.
public struct HelpState: Hashable, Sendable {
    /// Rows scrolled past.
    public var scroll: Int = 0
    /// A help overlay at its top.
    public init() {}
}

/// The whole wizard: one value, changed only by `WizardApp.update`.
public struct WizardState: Sendable {
    /// The terminal's size.
    public var size: Size = .standard
    /// The colours in use.
    public var theme: Theme
    /// True when NO_COLOR asked for no colour: every theme picked is shown without it.
    public var noColor: Bool
    /// The estate and the workspace folder.
    public var context: WizardContext
    /// The screen shown.
    public var screen: Screen = .home
    /// The home screen.
    var home = HomeScreen()
    /// Step 1.
    public var csr: CSRBuilder
    /// The bundle screen.
    public var bundles = BundleScreenState()
    /// The review, while one is open.
    public var review: ReviewState?
    /// Step 5, while open (or a run left waiting or failed, to resume).
    public var apply: ApplyState?
    /// Step 4.
    public var verify = VerifyState()
    /// Steps 2 and 3, while open.
    public var planView: PlanViewState?
    /// The troubleshooting menu.
    var troubleshoot = TroubleshootScreen()
    /// The expiry dashboard.
    public var dashboard = DashboardState()
    /// The deployment screen's form, once opened (kept when the user goes home).
    public var deploymentForm: DeploymentForm?
    /// The theme picker.
    var themePicker: ThemesScreen
    /// The lab clock's mover.
    var labClock = LabClockScreen()
    /// The help overlay, when open.
    public var help: HelpState?
    /// The quit question, when asked.
    public var quitDialog: DialogState?
    /// What Step 1 last wrote, for the home screen.
    public var step1Result: String?
    /// What the bundle screen last wrote, for the home screen.
    public var bundleResult: String?

    /// The state at start: the home screen over `context`.
    public init(context: WizardContext, theme: Theme, themeCatalog: ThemeCatalog, themes: [ThemeInfo], noColor: Bool) {
        self.context = context
        self.theme = theme
        self.themePicker = ThemesScreen(catalog: themeCatalog, themes: themes)
        self.noColor = noColor
        self.csr = CSRBuilder(cnPlaceholder: context.estate?.nodes.first?.fqdn ?? "cms1.example.com")
    }

    /// What would be lost by quitting now, in words; empty when nothing would.
    public var unsavedWork: [String] {
        var out: [String] = []
        if csr.isDirty { out.append("the Step 1 form is filled in but nothing was written") }
        if bundles.isDirty { out.append("files are picked for a bundle that was not written") }
        if let form = deploymentForm, form.isDirty { out.append("the deployment form has changes that were not saved") }
        if let editor = planView?.editor, editor.isDirty { out.append("a Step 2 edit of \(editor.request.basename) was not saved") }
        if let review, review.isWaiting { out.append("a review is open and not confirmed") }
        if let apply, apply.canResume { out.append("the Step 5 run \(apply.runID ?? "") is not finished (cmscerts apply --resume continues it)") }
        if let apply, apply.isRunning {
            out.append("the Step 5 run \(apply.runID ?? "") is running: quitting stops it at the next step boundary (r in Step 5, or cmscerts apply --resume, goes on)")
        }
        return out
    }
}
