import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Running a command as nobody (uid and gid 65534, no supplementary groups, no inheritable
/// capabilities) through util-linux's setpriv: for tests of what Periscope says without privileges.
public enum DropToNobody {
    public static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// Root (to change users) and setpriv are both here.
    public static let isPossible = geteuid() == 0 && setpriv != nil
    public static let reason: Comment = "needs root and setpriv (util-linux) to drop to nobody"

    /// `command` run as nobody.
    public static func command(_ command: [String]) -> [String] {
        [setpriv ?? "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"] + command
    }
}
