/// What went wrong reading a recording, said so that a user can act on it (no such file, no
/// data in the asked range, a container it never saw).
package struct HistoryError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
