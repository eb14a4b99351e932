import PeriscopeServer
import Testing

@Suite struct ServerConfigurationTests {
    @Test(arguments: [
        ("127.0.0.1:9798", "127.0.0.1", 9798, true), ("127.1.2.3:80", "127.1.2.3", 80, true),
        ("localhost:1", "localhost", 1, true),
        ("[::1]:9798", "::1", 9798, true), ("0.0.0.0:9798", "0.0.0.0", 9798, false), (":9798", "0.0.0.0", 9798, false),
        ("[::]:9798", "::", 9798, false), ("10.0.0.5:9798", "10.0.0.5", 9798, false),
        ("127.0.0.1.example.com:1", "127.0.0.1.example.com", 1, false)
    ])
    func parsesListenAddresses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
    }

    @Test(arguments: ["9798", "host:", "host:99999", "host:-1", "::1:80", "[::1]80", "[::1"])
    func refusesMalformedAddresses(text: String) {
        #expect(throws: ServerConfigurationError.self) { try ListenAddress(parsing: text) }
    }

    @Test func nonLoopbackWithoutTokenIsRefused() throws {
        let exposed = try ListenAddress(parsing: "0.0.0.0:9798")
        #expect(throws: ServerConfigurationError.tokenRequired(exposed)) { try ServerConfiguration(listen: exposed) }
        let configuration = try ServerConfiguration(listen: exposed, token: AccessToken(secret: "0123456789abcdef"))
        #expect(configuration.startMessage.contains("Authorization: Bearer"))
        #expect(try ServerConfiguration().startMessage.contains("no token required"))
    }

    @Test func tokenComparison() {
        let token = AccessToken(secret: "s3cret-token-0123456789\n")
        #expect(token.matches(Array("s3cret-token-0123456789".utf8)))
        #expect(!token.matches(Array("s3cret-token-012345678".utf8)))
        #expect(!token.matches(Array("s3cret-token-01234567890".utf8)))
        #expect(!token.matches(Array("S3cret-token-0123456789".utf8)))
        #expect(!token.matches([UInt8]()))
    }
}
