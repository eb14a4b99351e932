import Profiling

extension ProfileResult {
    /// The profile as a file in `format`: what `periscope profile` writes and the agent's
    /// captures store. `title` names the SVG and speedscope profile (`CPU profile (TARGET)`),
    /// `comments` go into pprof.
    package func encoded(
        as format: ProfileOutputFormat, title: String, frequencyHz: UInt64, startedUnixNanoseconds: Int64,
        comments: [String]
    ) throws -> [UInt8] {
        switch format {
        case .folded:
            return stacks.text()
        case .svg:
            var graphOptions = FlameGraphOptions()
            graphOptions.title = title
            return FlameGraphSVG(stacks: stacks.stacks, options: graphOptions).bytes
        case .pprof:
            var encoder = PprofEncoder(periodNanoseconds: Int64(1_000_000_000 / frequencyHz))
            encoder.startUnixNanoseconds = startedUnixNanoseconds
            encoder.durationNanoseconds = Int64(durationSeconds * 1e9)
            encoder.comments = comments
            return try encoder.encodeGzip(symbolizedStacks)
        case .speedscope:
            return try SpeedscopeEncoder.encode(stacks.stacks, name: title)
        }
    }
}
