import Testing
@testable import Profiling

@Suite("demangling")
struct DemanglerTests {
    @Test(
        "C++, Rust legacy, Rust v0 and Swift names demangle; plain names pass through",
        arguments: [
            ("_ZN3foo3barEi", "foo::bar(int)"),
            ("_ZNSt6vectorIiSaIiEE9push_backERKi", "std::vector<int, std::allocator<int> >::push_back(int const&)"),
            ("_ZN3foo3barEi.cold", "foo::bar(int) [clone .cold]"),
            ("_ZN4core3fmt5write17h0123456789abcdefE", "core::fmt::write"),
            ("_ZN5alloc3vec16Vec$LT$T$C$A$GT$4push17h00112233445566aaE", "alloc::vec::Vec<T,A>::push"),
            ("_RNvCs1234_7mycrate3foo", "mycrate::foo"),
            ("_RNvNtCs1234_7mycrate6module3foo", "mycrate::module::foo"),
            ("_RINvCs1234_7mycrate3fooTmEE", "mycrate::foo::<(u32,)>"),
            ("_RINvCs1234_7mycrate3foomhE", "mycrate::foo::<u32, u8>"),
            ("_RNCNvCs1234_7mycrate3foo0", "mycrate::foo::{closure#0}"),
            ("_RNvMNtCs1234_7mycrate6moduleNtB2_4Type3new", "<mycrate::module::Type>::new"),
            ("$s4main3fooyyF", "main.foo() -> ()"),
            ("periscope_hot_alpha", "periscope_hot_alpha"),
            ("_Zgarbage", "_Zgarbage"),
            ("_RNvC", "_RNvC")
        ])
    func demangles(mangled: String, readable: String) {
        #expect(Demangler().demangle(mangled) == readable)
    }

    @Test("10,000 random and truncated _R names never crash or run away")
    func rustV0Fuzz() {
        var random = ELFFuzzTests.SplitMix(state: 7)
        let alphabet = Array("_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let seeds = [
            "_RNvCs1234_7mycrate3foo", "_RINvCs1234_7mycrate3fooTmEE", "_RNvMNtCs1234_7mycrate6moduleNtB2_4Type3new",
            "_RB_"
        ]
        for iteration in 0..<10_000 {
            var bytes = Array(seeds[iteration % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let index = Int.random(in: 2..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random)!
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: index)
                default: if bytes.count > 3 { bytes.remove(at: index) }
                }
            }
            let name = String(decoding: bytes, as: UTF8.self)
            let result = Demangler.demangleUncached(name)
            #expect(result.utf8.count <= 4096 + name.utf8.count)
        }
    }
}
