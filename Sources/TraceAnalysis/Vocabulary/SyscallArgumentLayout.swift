import Foundation
import KernelTrace

/// Which of `raw_syscalls:sys_enter`'s six `args` hold the fd and the byte count of each
/// syscall, from the `syscalls/sys_enter_NAME` formats a Periscope trace directory keeps (the
/// same names its CTF conversion gives the arguments), else from a built-in list.
struct SyscallArgumentLayout: Sendable {
    /// Argument positions; -1 when the syscall has no such argument.
    struct Positions: Sendable {
        var fileDescriptor: Int8
        var count: Int8
    }

    /// Format text of `syscalls/sys_enter_NAME`, or nil.
    let formatText: @Sendable (String) -> String?

    static let builtIn = SyscallArgumentLayout { _ in nil }

    /// Reads formats from a Periscope trace directory.
    static func directory(_ layout: TraceDirectoryLayout) -> SyscallArgumentLayout {
        SyscallArgumentLayout { name in
            guard let name = TracepointName(parsing: "syscalls:sys_enter_\(name)"),
                let data = FileManager.default.contents(atPath: layout.formatPath(name)), data.count < 1 << 16
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }

    func positions(of syscall: String) -> Positions {
        if let text = formatText(syscall), let format = try? EventFormat.parse(text, subsystem: "syscalls") {
            let names = format.payloadFields.map(\.name).filter { $0 != "__syscall_nr" }
            return Positions(
                fileDescriptor: Int8(names.firstIndex(of: "fd") ?? -1), count: Int8(names.firstIndex(of: "count") ?? -1)
            )
        }
        return Positions(
            fileDescriptor: SyscallArguments.firstArgumentIsFD(syscall) ? 0 : -1,
            count: SyscallArguments.thirdArgumentIsCount(syscall) ? 2 : -1)
    }
}
