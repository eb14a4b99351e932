import KernelTrace
import Testing
@testable import TraceAnalysis

@Suite("periods: expressions, nesting, captures, group-by, aggregate-by")
struct PeriodsTests {
    /// Two requests of apache2 (tid 10): accept4 returns fd 7, then a newstat (url_rewrite) and
    /// a connect (db query) inside, then close(fd 7) ends the request.
    func requestTrace() -> SyntheticTrace {
        var trace = SyntheticTrace(style: .lttng)
        trace.statedump = Statedump(threads: [StatedumpThread(tid: 10, pid: 10, ppid: 1, comm: "apache2")])
        trace.schedSwitch(at: 1 * millisecond, cpu: 0, prev: (0, "swapper/0"), next: (10, "apache2"))
        var now = 2 * millisecond
        for (index, fd) in [Int64(7), 8].enumerated() {
            let scale = UInt64(index + 1)
            trace.syscall(
                "accept4", number: 288, tid: 10, cpu: 0, begin: now, end: now + 10 * microsecond, ret: fd, fd: 3)
            trace.syscall(
                "newstat", number: 4, tid: 10, cpu: 0, begin: now + 100 * microsecond,
                end: now + 100 * microsecond + scale * 50 * microsecond, ret: 0)
            trace.syscall(
                "connect", number: 42, tid: 10, cpu: 0, begin: now + 400 * microsecond,
                end: now + 400 * microsecond + scale * 200 * microsecond, ret: 0, fd: 9)
            // A close of another fd does not end the request.
            trace.syscall(
                "close", number: 3, tid: 10, cpu: 0, begin: now + 900 * microsecond, end: now + 901 * microsecond,
                ret: 0, fd: 99)
            trace.syscall(
                "close", number: 3, tid: 10, cpu: 0, begin: now + scale * millisecond,
                end: now + scale * millisecond + microsecond, ret: 0, fd: fd)
            now += 5 * millisecond
        }
        return trace
    }

    func configuration() throws -> PeriodConfiguration {
        var request = try PeriodDefinition(
            parsing:
                #"request:$evt.$name == "syscall_exit_accept4" && $evt.procname == "apache2":$evt.$name == "syscall_entry_close" && $evt.fd == $begin.$evt.ret"#
        )
        try request.addCaptures("request: client_fd = $evt.ret")
        let rewrite = try PeriodDefinition(
            parsing: #"url_rewrite(request):$evt.$name == "syscall_entry_newstat":$evt.$name == "syscall_exit_newstat""#
        )
        let database = try PeriodDefinition(
            parsing: #"db_queries(request):$evt.$name == "syscall_entry_connect":$evt.$name == "syscall_exit_connect""#)
        return PeriodConfiguration(
            definitions: [request, rewrite, database], groupBy: ["client_fd"], aggregateBy: ["request"])
    }

    @Test func requestsNestAndBreakDown() throws {
        var options = AnalysisOptions()
        options.statistics = true
        options.log = true
        let report = try TraceAnalysisRunner.run(
            .periods, source: requestTrace(), options: options, periods: try configuration())
        let log = try #require(report.table("period-log"))
        let requests = log.rows.filter { $0[3] == .string("request") }
        // accept4 exits at now + 10 us; close(fd) enters at now + N ms.
        #expect(requests.map { $0[2] } == [.duration(990 * microsecond), .duration(1_990 * microsecond)])
        #expect(requests.map { $0[5] } == [.string("client_fd = 7"), .string("client_fd = 8")])
        #expect(log.rows.filter { $0[3] == .string("url_rewrite") }.allSatisfy { $0[4] == .string("request") })
        let stats = try #require(report.table("period-stats"))
        #expect(
            stats.rows.contains {
                $0[0] == .string("request") && $0[1] == .string("client_fd=7") && $0[3] == .integer(1)
            })
        let breakdown = try #require(report.table("period-breakdown"))
        let database = try #require(breakdown.rows.first { $0[1] == .string("db_queries") })
        #expect(database[2] == .integer(2) && database[3] == .duration(600 * microsecond))
        #expect(database[4] == .ratio(600.0 / 2_980.0))
    }

    @Test func periodWithoutEndEndsAtTheNextBegin() throws {
        let definition = try PeriodDefinition(parsing: #"between_accepts:$evt.$name == "syscall_exit_accept4""#)
        var options = AnalysisOptions()
        options.log = true
        let report = try TraceAnalysisRunner.run(
            .periods, source: requestTrace(), options: options, periods: PeriodConfiguration(definitions: [definition]))
        #expect(report.table("period-log")?.rows.map { $0[2] } == [.duration(5 * millisecond)])
        #expect(report.notes.contains { $0.contains("1 period(s) had not ended") })
    }

    @Test(arguments: [
        "no_colon", "bad name:$evt.$name == 1", #"x:$evt.$name == "unterminated"#, "x:$evt.a == ", "x:foo == 1",
        "x:($evt.a == 1"
    ])
    func badDefinitionsAreRejected(text: String) {
        #expect(throws: PeriodSyntaxError.self) { try PeriodDefinition(parsing: text) }
    }

    @Test func expressionsCompareNumbersAndStrings() throws {
        let definition = try PeriodDefinition(
            parsing: #"p:!($evt.fd < 5) && ($evt.fd != 9 || $evt.$name == "x") && $evt.fd >= 0x7:$evt.fd == 99"#)
        var options = AnalysisOptions()
        options.log = true
        let report = try TraceAnalysisRunner.run(
            .periods, source: requestTrace(), options: options, periods: PeriodConfiguration(definitions: [definition]))
        // Begins on events with 7 <= fd != 9: close(99) at 2.9 ms and close(7) at 3 ms; both end at the
        // next close(99), 7.9 ms (ends are tested before begins, so the begin event never ends itself).
        #expect(
            report.table("period-log")?.rows.map { $0[2] } == [
                .duration(5 * millisecond), .duration(4_900 * microsecond)
            ])
    }
}
