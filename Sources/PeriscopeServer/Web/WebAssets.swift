/// One file of the web UI.
struct WebAsset: Sendable {
    var contentType: String
    /// The file's text without its final newline (a multi-line literal drops it).
    var text: String

    var bytes: [UInt8] { Array((text + "\n").utf8) }
}

/// The web UI's files (WebUI/ in the repository), compiled into the binary by
/// scripts/generate-web-assets.sh.
enum WebAssets {
    /// The file called `name`, or nil (names are looked up, never joined to a path).
    static func asset(named name: String) -> WebAsset? { files[name] }
}
