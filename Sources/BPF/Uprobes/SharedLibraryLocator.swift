import CLinuxSupport
import LinuxHost
import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// Finds a shared library by the short name bcc's tools take (`c` for libc, `pthread`,
/// `ssl`): `lib<name>.so.<version>` in the usual library directories of a root, the host's or
/// a container's. Directories are opened inside the root (openat2 RESOLVE_IN_ROOT), so a
/// container's links cannot lead the search to host files.
package enum SharedLibraryLocator {
    /// Searched in this order: the multiarch directories Debian and Ubuntu use, then the
    /// 64-bit ones of Fedora and Arch, then the plain ones (Alpine, busybox images).
    package static func directories(machine: String = HostSystem.machine) -> [String] {
        [
            "/lib/\(machine)-linux-gnu", "/usr/lib/\(machine)-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            "/usr/local/lib"
        ]
    }

    /// The path inside `root` of library `name`, or nil. Among a directory's matches the
    /// shortest name wins (`libc.so.6` over `libc.so.6.0.1`: the soname the loader uses); a
    /// bare `lib<name>.so` (often a linker script for the compiler) only when nothing else is.
    package static func find(_ name: String, in root: FilesystemRoot, machine: String = HostSystem.machine) -> String? {
        let prefix = "lib\(name).so"
        var fallback: String?
        for directory in directories(machine: machine) {
            let names = entries(of: directory, in: root).filter { entry in
                guard entry.hasPrefix(prefix) else { return false }
                let version = entry.dropFirst(prefix.count)
                return version.isEmpty
                    || (version.first == "." && version.dropFirst().allSatisfy { $0.isNumber || $0 == "." })
            }
            if let versioned = names.filter({ $0 != prefix }).min(by: { ($0.count, $0) < ($1.count, $1) }) {
                return "\(directory)/\(versioned)"
            }
            if fallback == nil, names.contains(prefix) { fallback = "\(directory)/\(prefix)" }
        }
        return fallback
    }

    /// The names in `directory` (resolved inside `root`), empty when it cannot be read.
    private static func entries(of directory: String, in root: FilesystemRoot) -> [String] {
        let descriptor = periscope_open_in_root(root.descriptor, directory)
        guard descriptor >= 0 else { return [] }
        guard let handle = fdopendir(descriptor) else {
            close(descriptor)
            return []
        }
        defer { closedir(handle) }
        return DirectoryEntries.names(of: handle)
    }
}
