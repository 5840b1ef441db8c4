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
        // One read(2) into a buffer of the file's size (plus one byte, to see a file that grew
        // since stat), handed to Data without a copy. FileHandle.read(upToCount:) cost 0.08 ms
        // more per 3 MB scan than Data(contentsOf:), in the batch's hot path.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ScanTriageError(.io, "cannot open for reading: \(String(cString: strerror(errno)))", at: location)
        }
        defer { close(fd) }
        var capacity = min(maxBytes, max(0, Int(status.st_size))) + 1
        guard var buffer = malloc(capacity) else { throw ScanTriageError(.io, "out of memory reading the file", at: location) }
        var count = 0
        while true {
            if count == capacity {
                // The file grew since stat: keep reading, up to one byte past the limit.
                guard capacity <= maxBytes else { break }
                capacity = min(maxBytes + 1, capacity * 2)
                guard let larger = realloc(buffer, capacity) else {
                    free(buffer)
                    throw ScanTriageError(.io, "out of memory reading the file", at: location)
                }
                buffer = larger
            }
            let got = Foundation.read(fd, buffer + count, capacity - count)
            if got < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                free(buffer)
                throw ScanTriageError(.io, "read failed: \(reason)", at: location)
            }
            if got == 0 { break }
            count += got
        }
        if count > maxBytes {
            free(buffer)
            throw ScanTriageError(.inputTooLarge, "file is larger than the limit of \(maxBytes) bytes", at: location)
        }
        return Data(bytesNoCopy: buffer, count: count, deallocator: .free)
    }
}

/// A large text output (the report) written as it is made: the text goes through a 256 kB
/// buffer to a temporary file beside `path`, renamed into place by ``commit()`` only when whole
/// (a file left unfinished by an error or a kill is removed, or never seen as the output). Held
/// whole instead, a 1,000-container report was in memory three times over (its pictures in
/// base64, the text, its bytes): 25 MB more at its peak than at 200 containers.
public final class StreamedOutputFile {
    public let path: String
    private let temporary: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushAt = 256 << 10

    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(getpid()).part"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let why = OutputFile.obstacle(writing: path) ?? String(cString: strerror(errno))
            throw ScanTriageError(.io, "cannot write: \(why)", at: SourceLocation(file: path))
        }
        buffer.reserveCapacity(Self.flushAt + 4096)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporary)
        }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushAt { try flush() }
    }

    /// Writes what is left, and puts the file in place.
    public func commit() throws {
        try flush()
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0, rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw ScanTriageError(.io, "cannot write: \(why)", at: SourceLocation(file: path))
        }
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let wrote = buffer.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw ScanTriageError(.io, "cannot write: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
            }
            done += wrote
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes outputs (a profile, a heatmap, the ranking) whole or not at all, and says plainly why
/// when it cannot: the folder that is missing, a file standing where a folder should be, or the
/// system's reason.
public enum OutputFile {
    public static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            let why = obstacle(writing: path)
                ?? ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { underlying in
                    underlying.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(underlying.code))) : nil
                }
                ?? error.localizedDescription
            throw ScanTriageError(.io, "cannot write: \(why)", at: SourceLocation(file: path))
        }
    }

    /// What stands in the way of writing `path`, seen before trying (Foundation's own errors
    /// say little: "error 512"): a file where one of its folders should be, or its folder missing.
    public static func obstacle(writing path: String) -> String? {
        if let file = fileInTheWay(of: path) { return "\(file) is a file" }
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty || FileManager.default.fileExists(atPath: folder) ? nil : "no folder \(folder) to write it in"
    }

    /// The nearest existing folder above `path`, when it is in fact a file.
    public static func fileInTheWay(of path: String) -> String? {
        var ancestor = (path as NSString).deletingLastPathComponent, isFolder: ObjCBool = false
        while !ancestor.isEmpty && !FileManager.default.fileExists(atPath: ancestor, isDirectory: &isFolder) {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        return !ancestor.isEmpty && !isFolder.boolValue ? ancestor : nil
    }
}
