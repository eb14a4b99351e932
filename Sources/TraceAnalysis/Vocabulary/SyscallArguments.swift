/// Which raw syscall arguments mean what, for ftrace's `raw_syscalls:sys_enter` (whose `args`
/// are six untyped words); LTTng decodes them per syscall already.
enum SyscallArguments {
    private static let fdFirst: Set<String> = [
        "read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2",
        "close", "fstat", "newfstat", "lseek", "ioctl", "fsync", "fdatasync", "sendto", "recvfrom", "sendmsg",
        "recvmsg", "sendfile64", "sendfile", "getdents64", "fcntl", "splice", "ftruncate", "fallocate"
    ]
    private static let countThird: Set<String> = [
        "read", "write", "pread64", "pwrite64", "sendto", "recvfrom", "getdents64"
    ]
    private static let opening: Set<String> = ["open", "openat", "openat2", "creat"]
    /// Syscalls whose return value is bytes read, or written, for iousage.
    static let reads: Set<String> = ["read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg"]
    static let writes: Set<String> = [
        "write", "pwrite64", "writev", "pwritev", "pwritev2", "sendto", "sendmsg", "sendmmsg", "sendfile64", "sendfile"
    ]

    static func firstArgumentIsFD(_ name: String) -> Bool { fdFirst.contains(name) }
    static func thirdArgumentIsCount(_ name: String) -> Bool { countThird.contains(name) }
    static func opensFile(_ name: String) -> Bool { opening.contains(name) }
}
