extension String {
    /// Left-aligned in `width` columns, as `%-Ns` prints it: spaces after, never cut.
    public func padded(toWidth width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Right-aligned in `width` columns, as `%Ns` prints it: spaces before, never cut.
    public func leftPadded(toWidth width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
