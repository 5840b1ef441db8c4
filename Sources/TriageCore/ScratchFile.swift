import Foundation

/// Bytes set aside on disk instead of in memory: an anonymous temporary file (made in
/// `TMPDIR` and unlinked at once, so nothing is left behind however the process ends), appended
/// to from any thread and read back by slice. The nightly batch sets aside there the report
/// pictures it makes past its memory budget, so its peak memory does not grow with the number
/// of containers the report pictures.
public final class ScratchFile: @unchecked Sendable {
    /// Where a piece of data was put.
    public struct Slice: Sendable, Equatable {
        public var offset: Int
        public var count: Int

        public init(offset: Int, count: Int) {
            self.offset = offset
            self.count = count
        }
    }

    private let descriptor: Int32
    private let lock = NSLock()
    private var end = 0

    public init() throws {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/scantriage-scratch.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw ScanTriageError(.io, "cannot make a scratch file: \(String(cString: strerror(errno)))", at: SourceLocation(file: folder))
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Appends `data` and says where it went.
    public func append(_ data: Data) throws -> Slice {
        let offset = lock.withLock { () -> Int in
            defer { end += data.count }
            return end
        }
        try data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let wrote = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
                if wrote < 0 {
                    if errno == EINTR { continue }
                    throw ScanTriageError(.io, "cannot write the scratch file: \(String(cString: strerror(errno)))")
                }
                done += wrote
            }
        }
        return Slice(offset: offset, count: data.count)
    }

    /// The data appended at `slice`.
    public func read(_ slice: Slice) throws -> Data {
        var data = Data(count: slice.count)
        try data.withUnsafeMutableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let got = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(slice.offset + done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    let why = got < 0 ? String(cString: strerror(errno)) : "the file ends before it"
                    throw ScanTriageError(.io, "cannot read back \(slice.count) bytes at \(slice.offset) of the scratch file: \(why)")
                }
                done += got
            }
        }
        return data
    }
}

/// Data held in memory or set aside in a ``ScratchFile``.
public enum HeldData: Sendable {
    case memory(Data)
    case setAside(ScratchFile, ScratchFile.Slice)

    public func load() throws -> Data {
        switch self {
        case .memory(let data): return data
        case .setAside(let file, let slice): return try file.read(slice)
        }
    }
}
