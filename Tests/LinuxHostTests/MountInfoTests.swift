import Testing
@testable import LinuxHost

@Suite("MountInfoEntry parsing")
struct MountInfoTests {
    @Test func lineWithOptionalFields() throws {
        let entry = try #require(
            MountInfoEntry.parse(
                line:
                    "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 master:1 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot"
            ))
        #expect(entry.mountID == 30)
        #expect(entry.parentID == 23)
        #expect(entry.root == "/")
        #expect(entry.mountPoint == "/sys/fs/cgroup")
        #expect(entry.filesystemType == "cgroup2")
        #expect(entry.source == "cgroup2")
        #expect(entry.superOptions == ["rw", "nsdelegate", "memory_recursiveprot"])
    }

    @Test func lineWithoutOptionalFields() throws {
        let entry = try #require(
            MountInfoEntry.parse(line: "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu"))
        #expect(entry.filesystemType == "cgroup")
        #expect(entry.superOptions == ["rw", "cpu"])
    }

    /// Inside a container the cgroup mount's root is the container's own cgroup.
    @Test func subtreeRoot() throws {
        let entry = try #require(
            MountInfoEntry.parse(
                line:
                    "612 603 0:29 /docker/6ae6eb0e554a /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,cpu"
            ))
        #expect(entry.root == "/docker/6ae6eb0e554a")
    }

    @Test(arguments: [
        ("/mnt/my\\040disk", "/mnt/my disk"),
        ("/mnt/tab\\011here", "/mnt/tab\there"),
        ("/mnt/new\\012line", "/mnt/new\nline"),
        ("/mnt/back\\134slash", "/mnt/back\\slash"),
        ("/mnt/two\\040\\040spaces", "/mnt/two  spaces"),
        ("/mnt/plain", "/mnt/plain"),
        ("/mnt/not\\9octal", "/mnt/not\\9octal"),
        ("/mnt/end\\04", "/mnt/end\\04")
    ])
    func octalEscapes(escaped: String, plain: String) throws {
        #expect(MountInfoEntry.unescapeOctal(Substring(escaped)) == plain)
        let entry = try #require(
            MountInfoEntry.parse(line: Substring("100 28 8:1 / \(escaped) rw,relatime - ext4 /dev/sda1 rw")))
        #expect(entry.mountPoint == plain)
    }

    @Test(arguments: [
        "",
        "this is not a mountinfo line",
        "30 23 0:26 / /sys/fs/cgroup rw - cgroup2",
        "x 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw",
        "30 23 0:26 / /sys/fs/cgroup rw shared:4 cgroup2 cgroup2 rw"
    ])
    func unparsableLines(line: String) {
        #expect(MountInfoEntry.parse(line: Substring(line)) == nil)
    }

    /// ASCII text is split by bytes, other text by Characters: both give what parsing each
    /// Character-split line gives, junk, escapes, runs of spaces and "\r\n" included.
    @Test(arguments: [
        "30 23 0:26 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw,nsdelegate\n\n32 31 0:29 / /a\\040b rw - cgroup cgroup rw,,cpu,\n",
        "1 2 3 / /x  rw   - ext4 /dev/sda1 rw\nnot a line\n- - - - - - - - -\n+5 -3 0:1 / /y rw - tmpfs t rw",
        "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\r\n32 31 0:29 / /cpu rw - cgroup cgroup rw,cpu\r\n",
        "30 23 0:26 / /mnt/caf\u{E9} rw - ext4 \u{301}src rw\n32 31 0:29 / /cpu rw - cgroup cgroup rw,cpu"
    ])
    func parseAllAsEachLine(text: String) {
        #expect(
            MountInfoEntry.parseAll(text) == text.split(separator: "\n").compactMap { MountInfoEntry.parse(line: $0) })
    }

    @Test func parseAllSkipsJunk() throws {
        let text = try Fixtures.text("malformed", "proc/self/mountinfo")
        let entries = MountInfoEntry.parseAll(text)
        #expect(entries.count == text.split(separator: "\n").count - 1)
        #expect(entries.contains { $0.filesystemType == "cgroup2" && $0.mountPoint == "/sys/fs/cgroup" })
    }
}
