import Testing
@testable import Profiling

@Suite("kallsyms")
struct KernelSymbolsTests {
    /// The shape of /proc/kallsyms on 6.x, unsorted as the kernel prints modules, with data
    /// symbols, a zeroed (kptr_restrict) line and garbage mixed in.
    static let fixture = """
        ffffffff81000000 T _stext
        ffffffff81001000 T do_syscall_64
        ffffffff81002000 t helper_static
        ffffffffc0a00000 t nf_hook_slow\t[nf_tables]
        ffffffff81003000 D some_data
        ffffffff81001800 W weak_function
        0000000000000000 T hidden_by_kptr_restrict
        not a line
        ffffffff8100zzzz T broken

        ffffffff81004000 T last_text
        """

    func symbols() -> KernelSymbols {
        Array(Self.fixture.utf8).withUnsafeBytes { KernelSymbols(parsing: $0) }
    }

    @Test("keeps text symbols only, sorted")
    func parses() {
        let table = symbols()
        #expect(
            table.names == ["_stext", "do_syscall_64", "weak_function", "helper_static", "last_text", "nf_hook_slow"])
        #expect(table.addresses == table.addresses.sorted())
    }

    @Test(
        "an address resolves to the last symbol starting at or before it",
        arguments: [
            (UInt64(0xffffffff81000000), "_stext"), (0xffffffff81001234, "do_syscall_64"),
            (0xffffffff81001800, "weak_function"),
            (0xffffffff81002fff, "helper_static"), (0xffffffffc0a00010, "nf_hook_slow")
        ])
    func lookup(address: UInt64, name: String) {
        #expect(symbols().name(containing: address) == name)
    }

    @Test("aliases at one address keep their order, whether the lines come sorted or not")
    func aliases() {
        let sorted = "ffffffff81000000 T a\nffffffff81000010 T first\nffffffff81000010 t second\nffffffff81000020 T c\n"
        let unsorted = "ffffffff81000020 T c\n" + sorted.split(separator: "\n").dropLast().joined(separator: "\n")
        for text in [sorted, unsorted] {
            let table = Array(text.utf8).withUnsafeBytes { KernelSymbols(parsing: $0) }
            #expect(table.names == ["a", "first", "second", "c"])
            #expect(table.name(containing: 0xffffffff81000018) == "second")
        }
    }

    @Test("the live kallsyms: every text line, in address order")
    func live() throws {
        let table = try KernelSymbols.load()
        #expect(table.addresses == table.addresses.sorted())
        #expect(table.addresses.count == table.names.count)
    }

    @Test("below the first symbol there is no name")
    func belowFirst() {
        #expect(symbols().name(containing: 0xffffffff80000000) == nil)
    }
}
