/// The distinct frame names of folded stacks, numbered from 0 in order of first appearance:
/// the function table of pprof and the shared frame list of speedscope.
struct FrameTable {
    /// Each distinct frame's bytes, by number.
    private(set) var names: [[UInt8]] = []
    private var numbers: [[UInt8]: Int] = [:]

    /// The numbers of `stack`'s frames, root first, adding frames not seen before.
    mutating func numbers(of stack: FoldedStack) -> [Int] {
        stack.stack.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map { frame in
            let key = Array(frame)
            if let number = numbers[key] { return number }
            numbers[key] = names.count
            names.append(key)
            return names.count - 1
        }
    }
}
