@testable import Profiling

/// An 8-bit RGB or RGBA, non-interlaced PNG decoded to pixels (what headless Chromium writes),
/// enough to count colours in a screenshot.
struct PNGImage {
    let width: Int
    let height: Int
    /// RGB triples, row by row.
    private(set) var pixels: [(UInt8, UInt8, UInt8)] = []

    enum Failure: Error { case notPNG, unsupported(String), corrupt }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count > 8, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw Failure.notPNG
        }
        func u32(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
        }
        var offset = 8
        var header: (width: Int, height: Int, depth: UInt8, color: UInt8, interlace: UInt8)?
        var data: [UInt8] = []
        while offset + 12 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { throw Failure.corrupt }
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            if type == "IHDR" { header = (u32(offset + 8), u32(offset + 12), body[8], body[9], body[12]) }
            if type == "IDAT" { data += body }
            offset += 12 + length
        }
        guard let header else { throw Failure.corrupt }
        guard header.depth == 8, header.color == 2 || header.color == 6, header.interlace == 0 else {
            throw Failure.unsupported(
                "depth \(header.depth), colour type \(header.color), interlace \(header.interlace)")
        }
        width = header.width
        height = header.height
        let channels = header.color == 6 ? 4 : 3
        let raw = try Gzip.decompress(data, maximumBytes: (width * channels + 1) * height)
        let stride = width * channels
        guard raw.count == (stride + 1) * height else { throw Failure.corrupt }
        var previous = [UInt8](repeating: 0, count: stride)
        var row = [UInt8](repeating: 0, count: stride)
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            let line = raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))]
            for (index, byte) in line.enumerated() {
                let left = index >= channels ? Int(row[index - channels]) : 0
                let up = Int(previous[index])
                let upLeft = index >= channels ? Int(previous[index - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let estimate = left + up - upLeft
                    let (a, b, c) = (abs(estimate - left), abs(estimate - up), abs(estimate - upLeft))
                    predictor = a <= b && a <= c ? left : (b <= c ? up : upLeft)
                default: throw Failure.corrupt
                }
                row[index] = UInt8(truncatingIfNeeded: Int(byte) + predictor)
            }
            for x in 0..<width { pixels.append((row[x * channels], row[x * channels + 1], row[x * channels + 2])) }
            swap(&previous, &row)
        }
    }

    func count(where matches: (UInt8, UInt8, UInt8) -> Bool) -> Int {
        pixels.reduce(0) { $0 + (matches($1.0, $1.1, $1.2) ? 1 : 0) }
    }

    /// The widest run of matching pixels in any row.
    func widestRun(where matches: (UInt8, UInt8, UInt8) -> Bool) -> Int {
        var best = 0
        for y in 0..<height {
            var run = 0
            for x in 0..<width {
                let pixel = pixels[y * width + x]
                run = matches(pixel.0, pixel.1, pixel.2) ? run + 1 : 0
                best = max(best, run)
            }
        }
        return best
    }
}
