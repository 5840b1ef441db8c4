import Foundation
import TriageCore
import TriageDecode
import TriageManifest
import TriagePhysics

/// One container's verdict from its scan and declaration: the entry point of the comparator.
public enum Comparator {
    /// Changes whenever what the comparator measures or how it scores changes, so that stored
    /// verdicts of an older comparator are never reused for a newer one.
    public static let algorithmVersion = "compare-81"

    /// What a stored verdict is keyed by, besides its inputs: the profile and the algorithm.
    public static func verdictKey(profiles: ComparatorProfiles) -> String {
        "\(profiles.profileID)/\(algorithmVersion)"
    }

    /// Decodes, measures and scores one scan against its declaration (nil when the scan matches
    /// no declared container).
    public static func analyze(scan: Scan, declaration: DeclaredContainer?, profiles: ComparatorProfiles) throws -> Verdict {
        try analyze(scan: scan, declaration: declaration, profiles: profiles,
                    scatter: profiles.ownMass(forScanner: scan.sidecar.scannerID)?.scatter)
    }

    /// The same, with `scatter` (a share of the removed beam; nil: none) taken out of the cargo
    /// map instead of the profile's for the scanner: a batch that measured its own.
    public static func analyze(scan: Scan, declaration: DeclaredContainer?, profiles: ComparatorProfiles, scatter: Double?) throws -> Verdict {
        let measurements = try Measurer.measure(scan: scan, declaration: declaration, scatter: scatter)
        var verdict = Scorer.score(measurements, profiles: profiles)
        if declaration == nil {
            verdict.findings.insert(Finding(kind: "no_declaration", score: 0,
                                            reason: "this scan matches no declared container: compared against physics alone",
                                            bbox: nil, massKg: nil), at: 0)
        }
        return verdict
    }

    /// `verdict` scored again from its measurements with `profiles` (a batch's own mass scale for
    /// a scanner the profile does not know, or whose images departed from the profile's scale:
    /// `departedFrom`, the profile's): what the analysis added beside the score stays.
    /// `massFromBatch`: the scanner's mass scale in `profiles` is the batch's (else only its
    /// machinery scale, ``ComparatorProfiles/machineryScale``, is).
    public static func rescored(_ verdict: Verdict, profiles: ComparatorProfiles, massFromBatch: Bool = true,
                                departedFrom profileScale: ComparatorProfiles.MassCalibration? = nil) -> Verdict {
        guard let measurements = verdict.measurements else { return verdict }
        var again = Scorer.score(measurements, profiles: profiles)
        again.containerID = verdict.containerID
        again.findings.insert(contentsOf: verdict.findings.filter { $0.kind == "no_declaration" }, at: 0)
        if measurements.machineryCells != nil, let factor = profiles.machineryScale?[measurements.scannerID] {
            again.findings.append(Finding(kind: "scan_quality", score: 0,
                                          reason: ComparatorProfiles.machineryScaleReason(scanner: measurements.scannerID, factor: factor),
                                          bbox: nil, massKg: nil))
        }
        if massFromBatch, let scale = profiles.massCalibration[measurements.scannerID] {
            again.findings.append(Finding(kind: "scan_quality", score: 0,
                                          reason: ComparatorProfiles.batchScaleReason(scanner: measurements.scannerID, own: profileScale)
                                              + ": its mass scale is this batch's (the images of its \(scale.count) loaded containers \(scale.imagesAgainstDeclared))",
                                          bbox: nil, massKg: nil))
        }
        return again
    }

    /// A container declared but not scanned: it cannot be cleared by the image, so it ranks
    /// where a load that cannot be cleared does (``Scorer/cannotClearScore(_:profiles:)``),
    /// saying why.
    public static func unscanned(_ container: DeclaredContainer, profiles: ComparatorProfiles) -> Verdict {
        let score = Scorer.cannotClearScore(1, profiles: profiles)
        return Verdict(containerID: container.containerID, scanID: nil, score: score, strength: 0,
                findings: [Finding(kind: "no_scan", score: score,
                                   reason: "no scan arrived for this container: ranked on its declaration only, cannot be cleared",
                                   bbox: nil, massKg: nil)],
                measurements: nil, profileID: profiles.profileID)
    }

    /// A scan that could not be analysed (the container was not found, say).
    public static func failed(containerID: String, scanID: String?, reason: String, profiles: ComparatorProfiles) -> Verdict {
        let score = Scorer.cannotClearScore(1, profiles: profiles)
        return Verdict(containerID: containerID, scanID: scanID, score: score, strength: 0,
                findings: [Finding(kind: "analysis_failed", score: score, reason: "could not analyse the scan: \(reason)",
                                   bbox: nil, massKg: nil)],
                measurements: nil, profileID: profiles.profileID)
    }
}
