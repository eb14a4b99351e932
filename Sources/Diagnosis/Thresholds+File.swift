import Foundation

extension Thresholds {
    /// Applies the content of a `--thresholds-file`, a JSON object `{"NAME": NUMBER, ...}`,
    /// in name order; `source` names the file in errors. The caller reads the file.
    package mutating func apply(fileContents: Data, source: String) throws(InvalidSetting) {
        guard let object = try? JSONSerialization.jsonObject(with: fileContents) as? [String: Any] else {
            throw InvalidSetting(description: "--thresholds-file \(source) is not a JSON object of numbers")
        }
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let number = value as? NSNumber else {
                throw InvalidSetting(description: "threshold \(name) in \(source) is not a number")
            }
            try set(name, number.doubleValue)
        }
    }
}
