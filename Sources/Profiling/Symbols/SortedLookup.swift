extension Array {
    /// The index of the last element whose `start` is at or below `address`, in an array
    /// sorted by `start`; nil when every element starts above it. The one binary search behind
    /// kernel symbols, ELF symbols, process mappings and perf maps.
    func lastIndex(startingAtOrBelow address: UInt64, start: (Element) -> UInt64) -> Int? {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if start(self[middle]) <= address { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? low - 1 : nil
    }
}

/// The value of an ASCII hex digit, either case.
@inline(__always)
func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x61...0x66: return byte - 0x61 + 10
    case 0x41...0x46: return byte - 0x41 + 10
    default: return nil
    }
}
