import CZlib
import Foundation
import TriageCore

/// Unpacks a batch sent as `.tar` or `.tar.gz` (ustar, GNU long names, pax paths), refusing
/// what must not be trusted from abroad: paths that are absolute or climb out with `..`, links
/// of any kind, devices, and members over the size limit. Refused members are reported and
/// skipped; the rest is written under the destination folder.
public struct ArchiveExtractor: Sendable {
    public var maxMemberBytes: Int64
    public var maxTotalBytes: Int64
    public var maxMembers: Int

    public init(maxMemberBytes: Int64 = 1 << 30, maxTotalBytes: Int64 = 64 << 30, maxMembers: Int = 200_000) {
        self.maxMemberBytes = maxMemberBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxMembers = maxMembers
    }

    public static func isArchive(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".tar") || lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz")
    }

    /// Extracts `archive` into `destination` and returns the batch root inside it (the single
    /// top-level folder, or the destination itself).
    public func extract(_ archive: String, into destination: String, diagnostics: any DiagnosticCollector) throws -> String {
        let source: ByteSource
        let lower = archive.lowercased()
        guard let handle = FileHandle(forReadingAtPath: archive) else {
            throw ScanTriageError(.io, "cannot open the archive", at: SourceLocation(file: archive))
        }
        defer { try? handle.close() }
        if lower.hasSuffix(".gz") || lower.hasSuffix(".tgz") {
            source = try GzipSource(handle: handle, file: archive)
        } else {
            source = FileSource(handle: handle)
        }
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var total: Int64 = 0
        var members = 0
        var longName: String?
        var topLevel = Set<String>()
        while true {
            guard let header = try source.read(512), header.count == 512 else {
                throw ScanTriageError(.invalidInput, "archive ends inside a header (truncated)", at: SourceLocation(file: archive))
            }
            if header.allSatisfy({ $0 == 0 }) { break }
            members += 1
            if members > maxMembers {
                throw ScanTriageError(.inputTooLarge, "archive has more than \(maxMembers) members", at: SourceLocation(file: archive))
            }
            guard Self.checksumOK(header) else {
                throw ScanTriageError(.invalidInput, "tar header \(members) has a bad checksum: not a tar archive, or damaged",
                                      at: SourceLocation(file: archive))
            }
            let type = header[156]
            let size = Self.octal(header[124..<136])
            guard size >= 0 else {
                throw ScanTriageError(.invalidInput, "tar header \(members) has an unreadable size", at: SourceLocation(file: archive))
            }
            let padded = (size + 511) / 512 * 512
            var name = longName ?? Self.name(header)
            longName = nil
            let location = SourceLocation(file: archive, path: name)
            switch type {
            case UInt8(ascii: "L"):
                // GNU long name for the next member.
                guard size <= 4096, let data = try source.read(Int(padded)) else {
                    throw ScanTriageError(.invalidInput, "GNU long name too long or cut short", at: location)
                }
                longName = String(decoding: data.prefix(Int(size)).prefix { $0 != 0 }, as: UTF8.self)
                continue
            case UInt8(ascii: "x"):
                guard size <= 65536, let data = try source.read(Int(padded)) else {
                    throw ScanTriageError(.invalidInput, "pax header too long or cut short", at: location)
                }
                longName = Self.paxPath(data.prefix(Int(size)))
                continue
            case UInt8(ascii: "g"):
                try source.skip(padded)
                continue
            default:
                break
            }
            // Where would it land?
            name = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
            let components = name.split(separator: "/", omittingEmptySubsequences: true)
            let unsafePath = name.hasPrefix("/") || components.contains("..") || name.contains("\0")
            if unsafePath {
                diagnostics.error("member path escapes the batch folder; not extracted", at: location)
                try source.skip(padded)
                continue
            }
            guard type == UInt8(ascii: "0") || type == 0 || type == UInt8(ascii: "5") || type == UInt8(ascii: "7") else {
                let what = type == UInt8(ascii: "2") ? "a symbolic link" : type == UInt8(ascii: "1") ? "a hard link" : "not a regular file (type \(Character(Unicode.Scalar(type))))"
                diagnostics.error("member is \(what); links and devices are refused", at: location)
                try source.skip(padded)
                continue
            }
            if let first = components.first { topLevel.insert(String(first)) }
            let target = (destination as NSString).appendingPathComponent(components.joined(separator: "/"))
            if type == UInt8(ascii: "5") {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                try source.skip(padded)
                continue
            }
            if size > maxMemberBytes {
                diagnostics.error("member is \(size) bytes, over the \(maxMemberBytes)-byte limit; not extracted", at: location)
                try source.skip(padded)
                continue
            }
            total += size
            if total > maxTotalBytes {
                throw ScanTriageError(.inputTooLarge, "archive unpacks to more than \(maxTotalBytes) bytes", at: SourceLocation(file: archive))
            }
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: target, contents: nil),
                  let out = FileHandle(forWritingAtPath: target) else {
                throw ScanTriageError(.io, "cannot write \(target)", at: location)
            }
            var remaining = size
            while remaining > 0 {
                let chunk = Int(min(remaining, 1 << 20))
                guard let data = try source.read(chunk), data.count == chunk else {
                    try? out.close()
                    throw ScanTriageError(.invalidInput, "archive ends inside this member (truncated)", at: location)
                }
                out.write(data)
                remaining -= Int64(chunk)
            }
            try out.close()
            try source.skip(padded - size)
        }
        if topLevel.count == 1, let only = topLevel.first {
            let candidate = (destination as NSString).appendingPathComponent(only)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue { return candidate }
        }
        return destination
    }

    static func checksumOK(_ header: Data) -> Bool {
        let stored = octal(header[148..<156])
        var sum: Int64 = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
        return stored == sum
    }

    static func octal(_ bytes: Data.SubSequence) -> Int64 {
        // GNU base-256 for large sizes.
        if let first = bytes.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7F)
            for byte in bytes.dropFirst() {
                guard value < Int64.max >> 8 else { return -1 }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        let text = String(decoding: bytes.prefix { $0 != 0 && $0 != 32 }.drop { $0 == 32 }, as: UTF8.self)
        if text.isEmpty { return 0 }
        return Int64(text, radix: 8) ?? -1
    }

    static func name(_ header: Data) -> String {
        let base = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
        let magic = String(decoding: header[257..<262], as: UTF8.self)
        if magic == "ustar" {
            let prefix = String(decoding: header[345..<500].prefix { $0 != 0 }, as: UTF8.self)
            if !prefix.isEmpty { return prefix + "/" + base }
        }
        return base
    }

    static func paxPath(_ data: Data.SubSequence) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        for record in text.split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let body = record[record.index(after: space)...]
            if body.hasPrefix("path=") { return String(body.dropFirst(5)) }
        }
        return nil
    }
}

/// Bytes from the start of a file or a decompressed stream.
protocol ByteSource: AnyObject {
    /// Exactly `count` bytes, fewer at the end, nil when nothing is left.
    func read(_ count: Int) throws -> Data?
}

extension ByteSource {
    func skip(_ count: Int64) throws {
        var remaining = count
        while remaining > 0 {
            let chunk = Int(min(remaining, 1 << 20))
            guard let data = try read(chunk), data.count == chunk else { return }
            remaining -= Int64(chunk)
        }
    }
}

final class FileSource: ByteSource {
    let handle: FileHandle
    init(handle: FileHandle) { self.handle = handle }
    func read(_ count: Int) throws -> Data? {
        let data = try handle.read(upToCount: count) ?? Data()
        return data.isEmpty ? nil : data
    }
}

/// gzip through zlib's inflate, a megabyte at a time.
final class GzipSource: ByteSource {
    let handle: FileHandle
    let file: String
    var stream = z_stream()
    var input = Data()
    var output = Data()
    var finished = false

    init(handle: FileHandle, file: String) throws {
        self.handle = handle
        self.file = file
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ScanTriageError(.internalError, "zlib would not start (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    func read(_ count: Int) throws -> Data? {
        while output.count < count && !finished { try inflateMore() }
        if output.isEmpty { return nil }
        let chunk = output.prefix(count)
        output.removeFirst(chunk.count)
        return Data(chunk)
    }

    private func inflateMore() throws {
        if input.isEmpty {
            input = try handle.read(upToCount: 1 << 20) ?? Data()
            if input.isEmpty {
                throw ScanTriageError(.invalidInput, "gzip stream ends early (truncated)", at: SourceLocation(file: file))
            }
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let (status, produced, consumed): (Int32, Int, Int) = input.withUnsafeMutableBytes { inRaw in
            buffer.withUnsafeMutableBytes { outRaw in
                stream.next_in = inRaw.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(inRaw.count)
                stream.next_out = outRaw.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outRaw.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, outRaw.count - Int(stream.avail_out), inRaw.count - Int(stream.avail_in))
            }
        }
        input.removeFirst(consumed)
        output.append(contentsOf: buffer[0..<produced])
        switch status {
        case Z_OK, Z_BUF_ERROR: break
        case Z_STREAM_END: finished = true
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw ScanTriageError(.invalidInput, "gzip data is damaged: \(message)", at: SourceLocation(file: file))
        }
    }
}
