import Foundation
import TriageCore
import TriagePhysics

/// One scan of a batch: its image, and its sidecar if valid.
public struct ScanEntry: Sendable {
    public var imagePath: String
    public var sidecarPath: String
    public var sidecar: Sidecar?
    /// The container number from the sidecar, normalised (nil when missing or invalid).
    public var containerID: String?
}

/// What a batch folder holds (interchange §1).
public struct BatchListing: Sendable {
    public var root: String
    public var manifestFiles: [String]
    public var scans: [ScanEntry]
}

/// Scans matched to declarations, and what could not be matched: reported, never dropped.
public struct MatchResult: Sendable {
    public struct Pair: Sendable {
        public var container: DeclaredContainer
        public var scans: [ScanEntry]
    }
    /// Declared containers in manifest order, each with its scans (empty: unscanned).
    public var containers: [Pair]
    /// Scans whose container no accepted manifest entry declares.
    public var unmatchedScans: [ScanEntry]

    public var unscanned: [DeclaredContainer] { containers.filter { $0.scans.isEmpty }.map(\.container) }
    public var matchedCount: Int { containers.filter { !$0.scans.isEmpty }.count }
}

public enum BatchIntake {
    /// Lists `manifests/` and `scans/` of a batch folder, reporting images without sidecars,
    /// sidecars without images and files that belong to neither.
    public static func list(_ root: String, excluding excluded: Set<String> = [], diagnostics: any DiagnosticCollector) throws -> BatchListing {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ScanTriageError(.io, "not a batch folder", at: SourceLocation(file: root))
        }
        let manifestsDir = (root as NSString).appendingPathComponent("manifests")
        let scansDir = (root as NSString).appendingPathComponent("scans")
        var manifests: [String] = []
        if let names = try? manager.contentsOfDirectory(atPath: manifestsDir) {
            for name in names.sorted() where !name.hasPrefix(".") && !excluded.contains("manifests/" + name) {
                let path = (manifestsDir as NSString).appendingPathComponent(name)
                if ManifestReader.extensions.contains((name as NSString).pathExtension.lowercased()) {
                    manifests.append(path)
                } else {
                    diagnostics.warning("not a manifest (expected .json, .csv, .xml or .edi); left alone", at: SourceLocation(file: path))
                }
            }
        } else {
            diagnostics.error("no manifests/ folder; expected manifests/ and scans/", at: SourceLocation(file: root))
        }
        var scans: [ScanEntry] = []
        if let names = try? manager.contentsOfDirectory(atPath: scansDir) {
            let visible = Set(names.filter { !$0.hasPrefix(".") && !excluded.contains("scans/" + $0) })
            var sidecarsUsed = Set<String>()
            for name in visible.sorted() {
                let ext = (name as NSString).pathExtension.lowercased()
                guard InputFiles.imageExtensions.contains(ext) else { continue }
                let stem = (name as NSString).deletingPathExtension
                let imagePath = (scansDir as NSString).appendingPathComponent(name)
                let sidecarName = stem + ".json"
                let sidecarPath = (scansDir as NSString).appendingPathComponent(sidecarName)
                if sidecarsUsed.contains(sidecarName) {
                    diagnostics.warning("another image of \(stem) shares the sidecar \(sidecarName); each is read with it (give each scan its own id)",
                                        at: SourceLocation(file: imagePath))
                }
                sidecarsUsed.insert(sidecarName)
                sidecarsUsed.insert(name)
                var entry = ScanEntry(imagePath: imagePath, sidecarPath: sidecarPath, sidecar: nil, containerID: nil)
                if visible.contains(sidecarName) {
                    entry.sidecar = Sidecar.load(sidecarPath, diagnostics: diagnostics)
                    if let sidecar = entry.sidecar {
                        do {
                            entry.containerID = try ContainerNumber(sidecar.containerID).value
                        } catch {
                            diagnostics.error(error.description, at: SourceLocation(file: sidecarPath, path: "$.container_id"))
                        }
                        if sidecar.scanID != stem {
                            diagnostics.warning("scan_id \"\(sidecar.scanID)\" differs from the file name \"\(stem)\"",
                                                at: SourceLocation(file: sidecarPath, path: "$.scan_id"))
                        }
                    }
                } else {
                    diagnostics.error("image has no sidecar; expected \(sidecarName) beside it", at: SourceLocation(file: imagePath))
                }
                scans.append(entry)
            }
            for name in visible.sorted() where !sidecarsUsed.contains(name) {
                let path = (scansDir as NSString).appendingPathComponent(name)
                if name.lowercased().hasSuffix(".json") {
                    diagnostics.warning("sidecar without an image (expected \((name as NSString).deletingPathExtension).png or .jpg)",
                                        at: SourceLocation(file: path))
                } else {
                    diagnostics.warning("not a scan image (.png, .jpg) or sidecar; left alone", at: SourceLocation(file: path))
                }
            }
        } else {
            diagnostics.warning("no scans/ folder", at: SourceLocation(file: root))
        }
        // An empty transmission is news for the analyst, not a quiet night. (When the caller left
        // files out, such as those not matching SHA256SUMS, they were there, and are said elsewhere.)
        if excluded.isEmpty && manifests.isEmpty {
            if scans.isEmpty {
                diagnostics.error("the batch holds no manifests and no scans; expected files in manifests/ and scans/", at: SourceLocation(file: root))
            } else if manager.fileExists(atPath: manifestsDir) {
                diagnostics.warning("no manifests in manifests/: every scan is compared against physics alone", at: SourceLocation(file: root))
            }
        }
        return BatchListing(root: root, manifestFiles: manifests, scans: scans)
    }

    /// Reads every manifest of the batch; a container declared more than once in the batch is
    /// an error and every declaration of it is quarantined, each naming the others.
    public static func readManifests(_ files: [String], reader: ManifestReader, diagnostics: any DiagnosticCollector) -> [Manifest] {
        var unreadable: [(file: String, reason: String)] = []
        return readManifests(files, reader: reader, diagnostics: diagnostics, unreadable: &unreadable)
    }

    /// As above, and says which files could not be read at all, and why (`file:line:col:
    /// reason`): the nightly batch quarantines them, so that a manifest lost whole shows among
    /// the quarantined inputs and not only among the problems.
    public static func readManifests(_ files: [String], reader: ManifestReader, diagnostics: any DiagnosticCollector,
                                     unreadable: inout [(file: String, reason: String)]) -> [Manifest] {
        var manifests: [Manifest] = []
        for file in files {
            do {
                manifests.append(try reader.read(file, diagnostics: diagnostics))
            } catch let error as ScanTriageError {
                let location = error.location ?? SourceLocation(file: file)
                diagnostics.error(error.reason, at: location)
                // The file is beside it: where in it, and why.
                let place = [location.line.map { "line \($0)" }, location.column.map { "column \($0)" }, location.path]
                    .compactMap { $0 }.joined(separator: ", ")
                let why = (place.isEmpty ? "" : place + ": ") + error.reason
                unreadable.append((file, why + ": not read; its scans are ranked without a declaration"))
            } catch {
                diagnostics.error("\(error)", at: SourceLocation(file: file))
                unreadable.append((file, "\(error): not read; its scans are ranked without a declaration"))
            }
        }
        return quarantineDuplicates(manifests, diagnostics: diagnostics)
    }

    public static func quarantineDuplicates(_ manifests: [Manifest], diagnostics: any DiagnosticCollector) -> [Manifest] {
        var places: [String: [SourceLocation]] = [:]
        for manifest in manifests { for container in manifest.containers { places[container.containerID, default: []].append(container.location) } }
        let duplicated = places.filter { $0.value.count > 1 }
        guard !duplicated.isEmpty else { return manifests }
        return manifests.map { manifest in
            var copy = manifest
            copy.containers = []
            for container in manifest.containers {
                guard let all = duplicated[container.containerID] else {
                    copy.containers.append(container)
                    continue
                }
                // Up to three other places, then how many more: naming them all made the
                // messages (and the time) grow as the square of the repeats.
                let others = all.lazy.filter { $0 != container.location }
                let named = others.prefix(3).map(\.description).joined(separator: "; ")
                let more = all.count - 1 > 3 ? " and \(all.count - 4) more" : ""
                let reason = Diagnostic.error("container \(container.containerID) is declared more than once in this batch (also at \(named)\(more))",
                                              at: container.location)
                diagnostics.emit(reason)
                copy.quarantined.append(QuarantinedEntry(containerID: container.containerID, location: container.location, reasons: [reason]))
            }
            return copy
        }
    }

    /// Matches scans to declared containers by normalised container number.
    public static func match(_ manifests: [Manifest], scans: [ScanEntry], diagnostics: any DiagnosticCollector) -> MatchResult {
        var byID: [String: [ScanEntry]] = [:]
        for scan in scans { if let id = scan.containerID { byID[id, default: []].append(scan) } }
        var pairs: [MatchResult.Pair] = []
        var used = Set<String>()
        for manifest in manifests {
            for container in manifest.containers {
                let found = byID[container.containerID] ?? []
                if found.count > 1 {
                    diagnostics.warning("container \(container.containerID) has \(found.count) scans; each is analysed",
                                        at: container.location)
                }
                if found.isEmpty {
                    diagnostics.warning("container \(container.containerID) has no scan; it can be ranked on its declaration only",
                                        at: container.location)
                }
                used.insert(container.containerID)
                pairs.append(MatchResult.Pair(container: container, scans: found))
            }
        }
        let unmatched = scans.filter { scan in scan.containerID.map { !used.contains($0) } ?? true }
        for scan in unmatched {
            diagnostics.warning("scan of \(scan.containerID ?? "an unknown container") matches no accepted manifest entry",
                                at: SourceLocation(file: scan.imagePath))
        }
        return MatchResult(containers: pairs, unmatchedScans: unmatched)
    }
}
