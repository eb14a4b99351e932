/// Syscall numbers to names for the architecture a trace was recorded on (`uname -m` in the
/// metadata): `raw_syscalls:sys_enter` carries only the number.
public struct SyscallTable: Sendable {
    public let machine: String
    private let names: [String]

    public init(machine: String) {
        self.machine = machine
        switch machine {
        case "x86_64": names = Self.x86_64Names
        case "aarch64", "arm64", "riscv64", "loongarch64": names = Self.genericNames
        default: names = []
        }
    }

    /// True when the architecture has a table.
    public var isKnown: Bool { !names.isEmpty }

    /// The name of syscall `number` (`read`), or `sys_NUMBER` when unknown.
    public func name(_ number: Int64) -> String {
        if number >= 0, number < names.count, !names[Int(number)].isEmpty { return names[Int(number)] }
        return "sys_\(number)"
    }

    /// Every number with a name, for writers that declare one event class per syscall.
    public var allNumbers: [Int] { names.indices.filter { !names[$0].isEmpty } }
}
