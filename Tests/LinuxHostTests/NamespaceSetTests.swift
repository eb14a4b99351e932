import Foundation
import Testing
@testable import LinuxHost

@Suite("NamespaceSet")
struct NamespaceSetTests {
    static func inode(_ target: String) -> UInt64? {
        Array(target.utf8).withUnsafeBytes { NamespaceSet.parseLinkTarget($0) }
    }

    @Test(arguments: [
        ("pid:[4026531836]", UInt64(4026531836)),
        ("net:[4026532292]", 4026532292),
        ("pid_for_children:[4026532290]", 4026532290),
        ("cgroup:[1]", 1),
        ("time:[18446744073709551615]", UInt64.max)
    ])
    func linkTargets(target: String, inode: UInt64) {
        #expect(Self.inode(target) == inode)
    }

    @Test(arguments: [
        "pid:[not-a-number]",
        "pid:[4026531836",
        "pid:4026531836",
        "pid:[]",
        "pid:[99999999999999999999]",
        "",
        "/dev/null"
    ])
    func notNamespaceLinks(target: String) {
        #expect(Self.inode(target) == nil)
    }

    @Test func subscriptAndKinds() {
        var set = NamespaceSet()
        #expect(set.isEmpty)
        #expect(set.kinds.isEmpty)
        set[.pid] = 4026531836
        set[.net] = 4026531833
        #expect(!set.isEmpty)
        #expect(set[.pid] == 4026531836)
        #expect(set[.user] == nil)
        #expect(set.kinds == [.net, .pid])
        set[.pid] = nil
        #expect(set.kinds == [.net])
    }

    @Test func codableUsesKernelNames() throws {
        var set = NamespaceSet()
        set[.pidForChildren] = 4026532290
        set[.uts] = 4026532288
        let json = String(decoding: try JSONEncoder().encode(set), as: UTF8.self)
        #expect(json.contains("\"pid_for_children\":4026532290"))
        #expect(try JSONDecoder().decode(NamespaceSet.self, from: Data(json.utf8)) == set)
        let withUnknownKind = try JSONDecoder().decode(NamespaceSet.self, from: Data(#"{"net":5,"futurens":6}"#.utf8))
        #expect(withUnknownKind.kinds == [.net])
    }

    @Test func kindOrder() {
        #expect(NamespaceKind.containerKinds == [.cgroup, .ipc, .mnt, .net, .pid, .user, .uts])
        #expect(NamespaceKind.allCases.sorted() == NamespaceKind.allCases)
        #expect(NamespaceKind.pidForChildren.rawValue == "pid_for_children")
        #expect(!NamespaceKind.joinable.contains(.pidForChildren))
    }
}
