import Foundation

/// Reads files with a size limit checked before anything is read, so a hostile or mistaken
/// input (a 40 GB "manifest") is refused instead of exhausting memory.
public enum BoundedFile {
    /// 1 GiB: no single scan or manifest ScanTriage handles is larger.
    public static let defaultMaxBytes = 1 << 30

    public static func read(_ path: String, maxBytes: Int = defaultMaxBytes) throws -> Data {
        let location = SourceLocation(file: path)
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ScanTriageError(.io, "cannot read: \(String(cString: strerror(errno)))", at: location)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw ScanTriageError(.io, "is a directory, expected a file", at: location)
        }
        if Int(status.st_size) > maxBytes {
            throw ScanTriageError(.inputTooLarge,
                                  "file is \(status.st_size) bytes; the limit is \(maxBytes) bytes", at: location)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ScanTriageError(.io, "cannot open for reading", at: location)
        }
        defer { try? handle.close() }
        do {
            // Read at most one byte past the limit, in case the file grew since stat.
            let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
            if data.count > maxBytes {
                throw ScanTriageError(.inputTooLarge, "file is larger than the limit of \(maxBytes) bytes", at: location)
            }
            return data
        } catch let error as ScanTriageError {
            throw error
        } catch {
            throw ScanTriageError(.io, "read failed: \(error.localizedDescription)", at: location)
        }
    }
}
