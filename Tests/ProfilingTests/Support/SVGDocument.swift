import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A flame graph SVG read back with XMLParser: proves it is well-formed and gives the frames.
final class SVGDocument: NSObject, XMLParserDelegate {
    struct Frame {
        var title = ""
        var rect: [String: String] = [:]
        var label = ""
        var x: Double { Double(rect["x"] ?? "") ?? .nan }
        var y: Double { Double(rect["y"] ?? "") ?? .nan }
        var width: Double { Double(rect["width"] ?? "") ?? .nan }
    }

    private(set) var frames: [Frame] = []
    private(set) var root: [String: String] = [:]
    private(set) var script = ""
    private(set) var texts: [String: String] = [:]
    private(set) var parseError: Error?
    private var path: [String] = []
    private var currentID: String?
    private var insideFrames = false

    init(_ bytes: [UInt8]) {
        super.init()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "svg" { root = attributes }
        if name == "g", attributes["id"] == "frames" { insideFrames = true }
        if insideFrames, name == "g", path.last == "g", attributes["id"] == nil { frames.append(Frame()) }
        if insideFrames, name == "rect" { frames[frames.count - 1].rect = attributes }
        currentID = attributes["id"]
        if let currentID { texts[currentID] = "" }
        path.append(name)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        path.removeLast()
        if name == "g", insideFrames, path.last != "g" { insideFrames = false }
        currentID = nil
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        append(string)
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        append(String(decoding: block, as: UTF8.self))
    }

    private func append(_ string: String) {
        switch path.last {
        case "script": script += string
        case "title" where insideFrames: frames[frames.count - 1].title += string
        case "text" where insideFrames: frames[frames.count - 1].label += string
        case "text": if let currentID { texts[currentID, default: ""] += string }
        default: break
        }
    }
}
