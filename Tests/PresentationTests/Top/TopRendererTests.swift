import LinuxHost
import Reporting
import Testing
@testable import Presentation
@testable import ResourceMetrics

@Suite("top frame rendering")
struct TopRendererTests {
    let frame = TopTestFrames.frame

    private func tableNames(_ lines: [TerminalLine]) -> [String] {
        guard let heading = lines.firstIndex(where: { $0.emphasis == .heading }) else { return [] }
        return lines[(heading + 1)...].compactMap { line in
            line.text.split(separator: " ").first.map(String.init)
        }.filter { !$0.isEmpty && $0 != "q" }
    }

    @Test func batchOutputHasTheHeaderThenOneRowPerContainerAndNoEscapeCodes() {
        let text = TopRenderer().plainText(frame, state: TopViewState())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines[0].hasPrefix("periscope top - testhost  load 1.50 1.25 0.75  tasks 3/300  interval 2.0s  sort cpu"))
        #expect(lines[1].hasPrefix("%CPU 60.0 usr  0.0 nice  15.0 sys"))
        #expect(lines[1].hasSuffix("(2 CPUs)"))
        #expect(lines[2] == "MEM  3.0G used / 8.0G total, 5.0G available   swap 0 / 0")
        #expect(lines[3] == "DISK read 1.0K/s  write 2.0M/s   NET rx 512/s  tx 0/s")
        #expect(lines[5].hasPrefix("NAME        "))
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("q quit"), "batch frames have no key help")
    }

    @Test func blockIOFromProcessesIsNamedInTheHeaderOnlyWhenUsed() {
        var fallback = frame
        #expect(!TopRenderer().plainText(fallback, state: TopViewState()).contains("/proc/PID/io"))
        fallback.rows[1].blockIOSource = "/proc/PID/io"
        let lines = TopRenderer().plainText(fallback, state: TopViewState()).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        #expect(
            lines[4]
                == "IO   containers' READ/s and WRITE/s from /proc/PID/io: cgroup v1 blkio does not account a disk that does I/O"
        )
        #expect(lines[6].hasPrefix("NAME        "))
    }

    @Test func aRowTakesItsBlockIOFromProcessesWhenBlkioMissesADisk() throws {
        let sample = CounterSample(takenAt: MonotonicInstant(nanoseconds: 0), counters: CgroupCounters())
        var rates = try #require(
            CgroupRates(
                old: sample,
                new: CounterSample(takenAt: MonotonicInstant(nanoseconds: 1_000_000_000), counters: CgroupCounters()),
                hostCPUCount: 2))
        rates.blockIO = []
        var row = TopRow(id: "docker:x", name: "x", runtime: "docker")
        row.fill(rates: rates, sample: CgroupCounters())
        #expect(row.blockWrittenBytesPerSecond == 0 && row.blockIOSource == "cgroup")
        rates.processIO = ProcessIORates(
            unaccountedDevices: ["vda"], readBytesPerSecond: 10, writtenBytesPerSecond: 8_388_608, processes: 2)
        row.fill(rates: rates, sample: CgroupCounters())
        #expect(
            row.blockWrittenBytesPerSecond == 8_388_608 && row.blockReadBytesPerSecond == 10
                && row.blockIOSource == "/proc/PID/io")
    }

    @Test func columnsLineUpAndUnknownValuesAreDashes() {
        let lines = TopRenderer().render(frame, state: TopViewState()).map(\.text)
        let heading = lines[5]
        let busy = try! #require(lines.first { $0.hasPrefix("busy") })
        let database = try! #require(lines.first { $0.hasPrefix("database") })
        // Right-aligned numeric columns end where their headings end.
        let cpuEnd = heading.range(of: "CPU*")!.upperBound
        #expect(busy[..<cpuEnd].hasSuffix("0.50"))
        let pidsEnd = heading.range(of: "PIDS")!.upperBound
        #expect(busy[..<pidsEnd].hasSuffix(" 2"))
        #expect(heading.count == busy.count)
        #expect(busy.contains(" 100.0 ") && busy.contains(" 95.0 ") && busy.contains(" 512M "))
        // No cap and no limit: %CAP and THR% unknown, LIMIT says none.
        #expect(database.contains("      -      - "))
        #expect(database.contains(" none "))
    }

    @Test func hostRowComesFirstThenContainersByCPU() {
        let names = tableNames(TopRenderer().render(frame, state: TopViewState()))
        #expect(names == ["host", "busy", "web-frontend", "database"])
    }

    @Test(arguments: [
        (TopSortKey.memory, ["host", "database", "web-frontend", "busy"]),
        (.throttled, ["host", "busy", "database", "web-frontend"]),
        (.io, ["host", "database", "web-frontend", "busy"]),
        (.net, ["host", "web-frontend", "busy", "database"]),
        (.pids, ["host", "database", "web-frontend", "busy"])
    ])
    func sortsByTheChosenColumnBiggestFirst(key: TopSortKey, expected: [String]) {
        let names = tableNames(TopRenderer().render(frame, state: TopViewState(sortKey: key)))
        #expect(names == expected)
    }

    @Test func theSortColumnIsMarkedInTheHeading() {
        let heading = TopRenderer().render(frame, state: TopViewState(sortKey: .memory)).first {
            $0.emphasis == .heading
        }!.text
        #expect(heading.contains("MEM*"))
        #expect(!heading.contains("CPU*"))
    }

    @Test func everyLineIsCutToTheTerminalWidth() {
        let lines = TopRenderer(width: 50, height: 30, isInteractive: true).render(frame, state: TopViewState())
        #expect(lines.allSatisfy { $0.text.count <= 50 })
        #expect(lines.contains { $0.text.hasPrefix("busy") })
    }

    @Test func theNameColumnShrinksToFitButKeepsItsMinimum() {
        var long = TopTestFrames.frame
        long.rows[1].name = String(repeating: "x", count: 70)
        let wide = TopRenderer(width: 200, height: 30, isInteractive: true).render(long, state: TopViewState())
        let row = wide.first { $0.text.hasPrefix("xxx") }!.text
        #expect(row.prefix(while: { $0 == "x" }).count == TopRenderer.nameMaximumWidth)
        let narrow = TopRenderer(width: 60, height: 30, isInteractive: true).render(long, state: TopViewState())
        let cut = narrow.first { $0.text.hasPrefix("xxx") }!.text
        #expect(cut.prefix(while: { $0 == "x" }).count == TopRenderer.nameMinimumWidth)
    }

    @Test func theLiveViewFillsTheHeightAndEndsWithTheKeyHelp() {
        let lines = TopRenderer(width: 100, height: 20, isInteractive: true).render(frame, state: TopViewState())
        #expect(lines.count == 20)
        #expect(lines.last!.text.hasPrefix("q quit"))
    }

    @Test func aShortScreenScrollsToKeepTheSelectionVisible() {
        var many = TopTestFrames.frame
        for index in 0..<30 {
            many.rows.append(TopTestFrames.row(String(format: "c%02d", index), cpu: 0, memory: 1, pids: 1))
        }
        var state = TopViewState()
        state.selectedRowID = "docker:c29-id"
        let lines = TopRenderer(width: 100, height: 12, isInteractive: true).render(many, state: state)
        #expect(lines.count == 12)
        #expect(lines.contains { $0.emphasis == .selected && $0.text.hasPrefix("c29") })
    }

    @Test func theSelectedRowIsHighlightedOnlyLive() {
        var state = TopViewState()
        state.selectedRowID = "docker:database-id"
        let live = TopRenderer(width: 120, height: 20, isInteractive: true).render(frame, state: state)
        #expect(live.filter { $0.emphasis == .selected }.map(\.text).allSatisfy { $0.hasPrefix("database") })
        #expect(live.contains { $0.emphasis == .selected })
        #expect(!TopRenderer().render(frame, state: state).contains { $0.emphasis == .selected })
    }

    @Test func filteringKeepsMatchingNamesCaseInsensitively() {
        let names = tableNames(TopRenderer().render(frame, state: TopViewState(filter: "WEB")))
        #expect(names == ["web-frontend"])
        let none = TopRenderer().render(frame, state: TopViewState(filter: "nothing-like-this")).map(\.text)
        #expect(none.contains("(nothing matches \"nothing-like-this\")"))
    }

    @Test func hostNetworkContainersSayHostInsteadOfNumbers() {
        var shared = TopTestFrames.frame
        shared.rows[2].sharesHostNetwork = true
        let database = TopRenderer().render(shared, state: TopViewState()).first { $0.text.hasPrefix("database") }!.text
        #expect(database.contains("   host    host "))
    }

    @Test func theProcessViewListsBusiestFirstAndFlagsDState() {
        var state = TopViewState()
        state.screen = .processes(rowID: "docker:busy-id", name: "busy")
        let lines = TopRenderer(width: 80, height: 20, isInteractive: true).render(frame, state: state)
        let texts = lines.map(\.text)
        #expect(texts.contains("busy (busy-id): 3 processes"))
        let heading = texts.firstIndex { $0.contains("PID") && $0.contains("COMMAND") }!
        #expect(texts[heading + 1] == "    4123       7 R   49.5 busyloop")
        #expect(texts[heading + 2] == "    4100       1 S    0.0 sh")
        #expect(texts[heading + 3] == "    4200       - D      - dd")
        #expect(lines[heading + 3].emphasis == .alert)
        #expect(!texts.contains { $0.contains("postgres") })
        #expect(texts.last!.hasPrefix("Esc/Backspace back"))
    }

    static let byteCases: [(Double, String)] = [
        (0, "0"), (1023, "1023"), (1024, "1.0K"), (1536, "1.5K"), (10_240, "10K"),
        (536_870_912, "512M"), (3_221_225_472, "3.0G")
    ]

    @Test(arguments: byteCases)
    func bytesAreShortWithBinaryUnits(count: Double, expected: String) {
        #expect(TopFormat.bytes(count) == expected)
        #expect(TopFormat.bytes(UInt64(count)) == expected)
    }

    @Test(arguments: [(0.5, 2, "0.50"), (99.95, 1, "100.0"), (0.04, 1, "0.0"), (12.345, 0, "12"), (-1.25, 1, "-1.3")])
    func fixedPointFormatting(value: Double, digits: Int, expected: String) {
        #expect(TopFormat.fixed(value, digits) == expected)
    }

    @Test("cells count characters, not bytes: accented and wide names pad as before, CR LF is one character")
    func cellsCountCharacters() {
        for text in ["web", "café", "日本", "a\r\nb", "", "0123456789"] {
            #expect(TopFormat.characterCount(text) == text.count, "\(text)")
            for width in 0...8 {
                let old =
                    text.count > width
                    ? String(text.prefix(width)) : String(repeating: " ", count: width - text.count) + text
                #expect(TopFormat.cell(text, width, rightAligned: true) == old)
                let left =
                    text.count > width
                    ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
                #expect(TopFormat.cell(text, width, rightAligned: false) == left)
            }
        }
        #expect(TopFormat.cell("x", 70, rightAligned: true) == String(repeating: " ", count: 69) + "x")
    }
}
