import Foundation
import Testing
@testable import ResourceMetrics

/// The host header's choice of disks and interfaces, against a small /sys tree built here.
@Suite("top host totals: which devices count")
struct TopDeviceClassifierTests {
    private func makeSysTree(disks: [String], interfaces: [(name: String, physical: Bool)]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "periscope-top-sys-\(UUID().uuidString)"
        ).path
        for disk in disks {
            try FileManager.default.createDirectory(atPath: "\(root)/block/\(disk)", withIntermediateDirectories: true)
        }
        for interface in interfaces {
            let path = "\(root)/class/net/\(interface.name)" + (interface.physical ? "/device" : "")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        return root
    }

    @Test func wholeDisksCountButPartitionsAndStackedDevicesDoNot() throws {
        let root = try makeSysTree(disks: ["sda", "nvme0n1", "dm-0", "loop0", "md0"], interfaces: [])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let classifier = TopDeviceClassifier(sysRoot: root)
        #expect(classifier.isWholeDisk("sda"))
        #expect(classifier.isWholeDisk("nvme0n1"))
        #expect(!classifier.isWholeDisk("sda1"), "partitions are not in /sys/block")
        #expect(!classifier.isWholeDisk("dm-0"))
        #expect(!classifier.isWholeDisk("loop0"))
        #expect(!classifier.isWholeDisk("md0"))
    }

    @Test func onlyInterfacesWithADeviceCountSoContainerTrafficIsNotTripled() throws {
        let root = try makeSysTree(
            disks: [], interfaces: [("eth0", true), ("docker0", false), ("veth12ab", false), ("lo", false)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(TopDeviceClassifier(sysRoot: root).uplinks(["lo", "eth0", "docker0", "veth12ab"]) == ["eth0"])
    }

    @Test func withoutPhysicalInterfacesEverythingButLoopbackCounts() throws {
        let root = try makeSysTree(disks: [], interfaces: [("eth0", false), ("lo", false)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(TopDeviceClassifier(sysRoot: root).uplinks(["lo", "eth0"]) == ["eth0"])
    }
}
