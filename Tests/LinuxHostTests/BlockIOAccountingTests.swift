import Foundation
@testable import LinuxHost
import Testing

/// Dead v1 blkio accounting (a disk with I/O in /proc/diskstats and no line in the root
/// cgroup's `blkio.throttle.io_service_bytes`) and the per-process fallback's parser.
@Suite struct BlockIOAccountingTests {
    /// This VM on a fresh boot (kernel 6.18): vda wrote, loop0 idle, the root file has only `Total 0`.
    static let diskstats = """
             7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
           254       0 vda 35467 5688 2824562 12120 34094 41222 4118104 40128 0 9680 57921 6704 0 813480 2443 5404 3229
           254       1 vda1 35000 5600 2800000 12000 34000 41000 4100000 40000 0 9600 57000 6700 0 813000 2400 5400 3200
            11       0 sr0 12 0 96 4 0 0 0 0 0 8 4 0 0 0 0 0 0
        """

    static func disks() throws -> [DiskStats] {
        try parsing(diskstats) { bytes throws(HostReadError) in try DiskStats.parseAll(bytes, path: "diskstats") }
    }

    static func accounted(_ text: String) throws -> Set<BlockDeviceNumber> {
        try parsing(text) { bytes throws(HostReadError) in BlockIOAccounting.accountedDevices(bytes) }
    }

    @Test(
        "fresh boot: the root file has no line for vda, which did I/O: vda (and sr0) unaccounted, partitions and idle loop0 not listed"
    )
    func freshBoot() throws {
        let unaccounted = BlockIOAccounting.unaccountedDevices(
            disks: try Self.disks(), accounted: try Self.accounted("Total 0\n"))
        #expect(unaccounted.map(\.name) == ["sr0", "vda"])
    }

    @Test("after a throttle rule on vda the root file lists it: nothing unaccounted")
    func accountingAlive() throws {
        let root = """
            254:0 Read 1446170624
            254:0 Write 2107187200
            254:0 Sync 2000000000
            254:0 Async 1553357824
            254:0 Discard 0
            254:0 Total 3553357824
            11:0 Read 49152
            11:0 Write 0
            11:0 Total 49152
            Total 3553406976
            """
        #expect(
            BlockIOAccounting.unaccountedDevices(disks: try Self.disks(), accounted: try Self.accounted(root)).isEmpty)
    }

    @Test("only the accounted disk's line: the other disk with I/O stays unaccounted")
    func partlyAccounted() throws {
        let root = "11:0 Read 49152\n11:0 Write 0\n11:0 Total 49152\nTotal 49152\n"
        #expect(
            BlockIOAccounting.unaccountedDevices(disks: try Self.disks(), accounted: try Self.accounted(root)).map(
                \.name) == ["vda"])
    }

    @Test("on a v2-only layout there is nothing to check")
    func unifiedLayout() throws {
        let layout = CgroupLayout(hierarchies: [
            CgroupLayout.Hierarchy(controllers: [], mountPoint: "/sys/fs/cgroup", mountRoot: "/")
        ])
        #expect(
            BlockIOAccounting.unaccountedDevices(layout: layout, disks: try Self.disks(), reader: KernelFileReader())
                == nil)
    }

    @Test(
        "the root file is read from the v1 blkio hierarchy's mount point",
        arguments: ["Total 0\n", "254:0 Write 8388608\n254:0 Total 8388608\nTotal 8388608\n"])
    func readsTheRootFile(rootFile: String) throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-blkio-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mount) }
        try rootFile.write(toFile: mount + "/blkio.throttle.io_service_bytes", atomically: true, encoding: .utf8)
        let layout = CgroupLayout(hierarchies: [
            CgroupLayout.Hierarchy(controllers: ["blkio"], mountPoint: mount, mountRoot: "/")
        ])
        let unaccounted = BlockIOAccounting.unaccountedDevices(
            layout: layout, disks: try Self.disks(), reader: KernelFileReader())
        #expect(unaccounted?.contains { $0.name == "vda" } == rootFile.hasPrefix("Total"))
    }

    @Test("/proc/PID/io: read_bytes and write_bytes (rchar/wchar count page-cache hits too, so they are not used)")
    func processIO() throws {
        let text = """
            rchar: 2012
            wchar: 654323712
            syscr: 7
            syscw: 80
            read_bytes: 4096
            write_bytes: 654323712
            cancelled_write_bytes: 0
            """
        let counters = try parsing(text) { bytes throws(HostReadError) in try ProcessIOCounters.parse(bytes, path: "io")
        }
        #expect(counters == ProcessIOCounters(readBytes: 4096, writtenBytes: 654_323_712))
        #expect(throws: HostReadError.self) {
            try parsing("rchar: 1\n") { bytes throws(HostReadError) in try ProcessIOCounters.parse(bytes, path: "io") }
        }
    }

    @Test("cgroup.procs lists the processes")
    func cgroupProcesses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-procs-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "12\n345\n".write(toFile: directory + "/cgroup.procs", atomically: true, encoding: .utf8)
        #expect(try KernelFileReader().cgroupProcesses(in: directory) == [12, 345])
    }
}
