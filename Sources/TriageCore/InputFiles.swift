import Foundation

/// Expands command-line paths: files are kept as given, folders are walked (sorted, hidden
/// entries skipped) for files with one of `extensions`.
public enum InputFiles {
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    public static func expand(_ paths: [String], extensions: Set<String>) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let enumerator = manager.enumerator(atPath: path)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") { continue }
                if extensions.contains((name as NSString).pathExtension.lowercased()) {
                    found.append((path as NSString).appendingPathComponent(relative))
                }
            }
            files.append(contentsOf: found.sorted())
        }
        return (files, missing)
    }
}
