import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Searches in bytes at the C library's speed, whatever the build: `pipetop run` scans every
/// byte a command prints, and a byte-by-byte loop in Swift costs a debug build a core at
/// ~10 MB/s. glibc's `memrchr` and `memmem` are GNU extensions that Swift does not import
/// here, so they are looked up by name once (a fallback loop stands in without them).
enum ByteSearch {
    private typealias MemRChr = @convention(c) (UnsafeRawPointer?, Int32, Int) -> UnsafeMutableRawPointer?
    private typealias MemMem = @convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeMutableRawPointer?

    private static let memrchrC: MemRChr? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memrchr").map { unsafeBitCast($0, to: MemRChr.self) }
    private static let memmemC: MemMem? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memmem").map { unsafeBitCast($0, to: MemMem.self) }

    /// Offset of the first `byte` in `b[from..<to]`.
    static func first(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int? = nil) -> Int? {
        let end = to ?? b.count
        guard let base = b.baseAddress, from < end, let p = memchr(base + from, Int32(byte), end - from) else { return nil }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// Offset of the last `byte` in `b[from..<to]`.
    static func last(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int? = nil) -> Int? {
        let end = to ?? b.count
        guard let base = b.baseAddress, from < end else { return nil }
        if let memrchrC {
            guard let p = memrchrC(base + from, Int32(byte), end - from) else { return nil }
            return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
        }
        var k = end - 1
        while k >= from { if b[k] == byte { return k }; k -= 1 }
        return nil
    }

    /// Offset of the first line end (`\n` or a bar's `\r`) in `b[from..<to]`.
    static func firstLineEnd(in b: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int? = nil) -> Int? {
        let n = first(0x0A, in: b, from: from, to: to)
        // A `\r` counts only before the first `\n`: look no further than it.
        let r = first(0x0D, in: b, from: from, to: n ?? to)
        return r ?? n
    }

    /// Offset of the last line end in `b[from..<to]`.
    static func lastLineEnd(in b: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int? = nil) -> Int? {
        let n = last(0x0A, in: b, from: from, to: to)
        let r = last(0x0D, in: b, from: (n ?? (from - 1)) + 1, to: to)
        return r ?? n
    }

    /// Offset of the first `needle` in `b[from...]`.
    static func find(_ needle: [UInt8], in b: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard let base = b.baseAddress, !needle.isEmpty, from + needle.count <= b.count else { return nil }
        if let memmemC {
            let p = needle.withUnsafeBufferPointer { memmemC(base + from, b.count - from, $0.baseAddress, $0.count) }
            return p.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        }
        var i = from
        while let k = first(needle[0], in: b, from: i) {
            guard k + needle.count <= b.count else { return nil }
            if needle.withUnsafeBufferPointer({ memcmp(base + k, $0.baseAddress!, $0.count) }) == 0 { return k }
            i = k + 1
        }
        return nil
    }
}
