import CLinuxSupport
#if canImport(Glibc)
import Glibc
#endif

/// A program verified and loaded in the kernel, owned through its descriptor: it stays loaded
/// while this descriptor or an attachment holding it (a perf event) is open.
package final class BPFProgram {
    package let spec: BPFProgramSpec
    package private(set) var descriptor: Int32

    /// The verifier log buffer: large enough for the log of a rejected small program.
    static let logByteCount = 1 << 20

    /// Patches each map reference (`ld_imm64` src_reg = BPF_PSEUDO_MAP_FD, imm = the map's
    /// descriptor) and loads the result with BPF_PROG_LOAD. On rejection the program is loaded
    /// again with the verifier log on, so a successful load pays no log.
    init(_ spec: BPFProgramSpec, type: UInt32, license: String, maps: [String: BPFMap]) throws(BPFError) {
        var instructions = spec.instructions
        for reference in spec.mapReferences {
            guard let map = maps[reference.mapName] else {
                throw .unknownMap(program: spec.name, map: reference.mapName)
            }
            let byte = reference.instructionIndex * 8
            // Byte 1: dst_reg (low nibble), src_reg (high nibble); bytes 4-7: imm.
            instructions[byte + 1] = (instructions[byte + 1] & 0x0f) | (periscope_bpf_pseudo_map_fd << 4)
            withUnsafeBytes(of: map.descriptor.littleEndian) {
                instructions.replaceSubrange((byte + 4)..<(byte + 8), with: $0)
            }
        }
        let count = UInt32(instructions.count / 8)
        var fd = instructions.withUnsafeBytes {
            periscope_bpf_prog_load(type, $0.baseAddress, count, license, spec.name, nil, 0, 0)
        }
        // EPERM is a missing privilege; the verifier's refusals are EACCES or EINVAL.
        if fd < 0 && fd != -EPERM {
            var log = [CChar](repeating: 0, count: Self.logByteCount)
            fd = instructions.withUnsafeBytes { code in
                log.withUnsafeMutableBufferPointer {
                    periscope_bpf_prog_load(
                        type, code.baseAddress, count, license, spec.name, $0.baseAddress, UInt32($0.count), 1)
                }
            }
            if fd < 0 {
                let text = log.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                if !text.isEmpty { throw .verifierRejected(program: spec.name, errorNumber: -fd, log: text) }
            }
        }
        guard fd >= 0 else { throw .systemCall("bpf(BPF_PROG_LOAD \(spec.name))", -fd) }
        self.spec = spec
        self.descriptor = fd
    }

    deinit { close() }

    /// Closes the descriptor (idempotent).
    package func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}
