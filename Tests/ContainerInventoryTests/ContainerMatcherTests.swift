import Testing
@testable import ContainerInventory

@Suite("ContainerMatcher")
struct ContainerMatcherTests {
    /// The Kubernetes fixture (pause sandbox 91b0d7ae..., app 6790b787...), plus two made-up
    /// containers: one whose id shares the app's prefix, one whose id starts with digits only.
    static func snapshot() throws -> InventorySnapshot {
        var snapshot = try Fixtures.scan("kubernetes-systemd")
        var twin = try #require(snapshot.containers.first { $0.id == FixtureIDs.k8sApp })
        twin.key = ContainerKey(runtime: .containerd, id: "6790b7aa" + String(repeating: "0", count: 56))
        twin.name = "web-7d4b9c8f6-x2x7q/sidecar"
        var numeric = twin
        numeric.key = ContainerKey(runtime: .containerd, id: "1234" + String(repeating: "0", count: 60))
        numeric.name = "numeric"
        snapshot.containers += [twin, numeric]
        return snapshot
    }

    static func resolve(_ query: String) throws -> Result<Container, ContainerMatchError> {
        ContainerMatcher.resolve(query, in: try snapshot())
    }

    @Test(arguments: [
        ("web-7d4b9c8f6-x2x7q/nginx", FixtureIDs.k8sApp),
        ("web-7d4b9c8f6-x2x7q/POD", FixtureIDs.k8sSandbox),
        (FixtureIDs.k8sApp, FixtureIDs.k8sApp),
        ("91b0d7aed4d4", FixtureIDs.k8sSandbox),
        ("91b", FixtureIDs.k8sSandbox),
        ("6790b78", FixtureIDs.k8sApp),
        // A PID of any member, not only the init.
        ("2100", FixtureIDs.k8sApp),
        ("2388", FixtureIDs.k8sApp),
        ("2020", FixtureIDs.k8sSandbox),
        // Digits that are no PID but an id prefix.
        ("1234", "1234" + String(repeating: "0", count: 60))
    ])
    func resolves(query: String, id: String) throws {
        #expect(try Self.resolve(query).get().id == id)
    }

    @Test(arguments: ["host", "1", "2001"])
    func hostProcessesResolveToTheHost(query: String) throws {
        #expect(try Self.resolve(query).get().key == .host)
    }

    @Test func ambiguousPrefix() throws {
        guard case .failure(let failure) = try Self.resolve("6790b7") else {
            Issue.record("6790b7 should be ambiguous")
            return
        }
        guard case .ambiguous(let query, let candidates, .running) = failure else {
            Issue.record("unexpected \(failure)")
            return
        }
        #expect(query == "6790b7")
        #expect(
            Set(candidates) == [
                "6790b7877823 (web-7d4b9c8f6-x2x7q/nginx)", "6790b7aa0000 (web-7d4b9c8f6-x2x7q/sidecar)"
            ])
        #expect(failure.description.hasPrefix("'6790b7' matches several containers: "))
        #expect(failure.description.hasSuffix("; give more of the id or the full name"))
    }

    @Test func unknownName() throws {
        guard case .failure(let failure) = try Self.resolve("nginx") else {
            Issue.record("nginx alone is not a container name")
            return
        }
        guard case .notFound(let query, let known, .running) = failure else {
            Issue.record("unexpected \(failure)")
            return
        }
        #expect(query == "nginx")
        #expect(known.contains("web-7d4b9c8f6-x2x7q/nginx"))
        #expect(failure.description.hasPrefix("no running container matches 'nginx' (running: "))
    }

    /// Without root the runtime's metadata is unreadable: a name cannot match, and the error
    /// says why and what to do instead of listing "(unknown)".
    @Test func unreadableNamesSayWhyANameDoesNotMatch() throws {
        var snapshot = try Self.snapshot()
        for index in snapshot.containers.indices {
            snapshot.containers[index].name = nil
            snapshot.containers[index].metadataSource = .unavailable
        }
        snapshot.warnings.append(
            InventoryWarning(
                pid: nil, message: "Docker Engine API unavailable (connect: Permission denied); no names available"))
        guard case .failure(let failure) = ContainerMatcher.resolve("web", in: snapshot),
            case .namesUnreadable(let query, let unnamed, let reason) = failure
        else {
            Issue.record("expected namesUnreadable")
            return
        }
        #expect(query == "web")
        #expect(unnamed.contains("containerd:\(FixtureIDs.k8sApp.prefix(12))"))
        #expect(reason.contains("Permission denied"))
        #expect(failure.description.contains("run as root"))
        #expect(!failure.description.contains("(unknown)"))
        // An id prefix still resolves.
        #expect((try? ContainerMatcher.resolve("91b0d7aed4d4", in: snapshot).get())?.id == FixtureIDs.k8sSandbox)
    }

    @Test func noContainersRunning() throws {
        let snapshot = try Fixtures.scan("malformed")
        guard case .failure(let failure) = ContainerMatcher.resolve("web", in: snapshot) else {
            Issue.record("resolved in an empty snapshot")
            return
        }
        #expect(failure.description == "no running container matches 'web' (no containers are running)")
    }

    @Test func unknownPID() throws {
        guard case .failure(let failure) = try Self.resolve("999999") else {
            Issue.record("999999 is not a PID of the fixture")
            return
        }
        guard case .processNotFound(let pid) = failure else {
            Issue.record("unexpected \(failure)")
            return
        }
        #expect(pid == 999_999)
        #expect(failure.description == "no process with PID 999999 (it may have exited)")
    }

    @Test func lxcAndNspawnByName() throws {
        let lxc = try Fixtures.scan("lxc")
        #expect(try ContainerMatcher.resolve("web1", in: lxc).get().runtime == .lxc)
        let nspawn = try Fixtures.scan("systemd-nspawn")
        #expect(try ContainerMatcher.resolve("my-container", in: nspawn).get().initPID == 6001)
        let unnamed = try Fixtures.scan("unnamed-pidns")
        #expect(try ContainerMatcher.resolve("pidns-4026533311", in: unnamed).get().initPID == 7001)
        #expect(try ContainerMatcher.resolve("7025", in: unnamed).get().runtime == .pidNamespace)
    }

    /// One or two characters name a container by accident: below the minimum they are no prefix.
    @Test func shortPrefixesDoNotMatch() throws {
        let matcher = ContainerMatcher(
            recorded: [
                ContainerCandidate(runtime: "docker", id: "abc123" + String(repeating: "0", count: 58), name: "web")
            ],
            source: "the saved window w.json")
        #expect(
            throws: ContainerMatchError.notFound(
                query: "ab", known: ["web"], scope: .recorded("the saved window w.json"))
        ) {
            try matcher.matchAll(["ab"])
        }
        #expect(try matcher.match("abc").get() == 0)
    }

    /// Two containers with the same name (a recreated container in a recording) are ambiguous.
    @Test func duplicateNamesAreAmbiguous() throws {
        let matcher = ContainerMatcher(
            recorded: [
                ContainerCandidate(runtime: "docker", id: "aaaa" + String(repeating: "1", count: 60), name: "web"),
                ContainerCandidate(runtime: "docker", id: "bbbb" + String(repeating: "2", count: 60), name: "web")
            ], source: "the saved window w.json")
        guard case .failure(let error) = matcher.match("web") else {
            Issue.record("web should be ambiguous")
            return
        }
        #expect(
            error
                == .ambiguous(
                    query: "web", candidates: ["aaaa11111111 (web)", "bbbb22222222 (web)"],
                    scope: .recorded("the saved window w.json")))
        #expect(
            error.description
                == "'web' matches several containers in the saved window w.json: aaaa11111111 (web), bbbb22222222 (web); give more of the id or the full name"
        )
        #expect(try matcher.match("bbbb2").get() == 1)
    }

    /// Recorded containers: name, full id, `runtime:id` and id prefix as for running ones; an
    /// exact name wins over another container's id prefix; no PIDs; the not-found error names
    /// the recording.
    @Test func recordedContainers() throws {
        let web = ContainerCandidate(runtime: "docker", id: "abc123" + String(repeating: "0", count: 58), name: "web")
        let named = ContainerCandidate(runtime: "docker", id: "def456" + String(repeating: "0", count: 58), name: "abc")
        let matcher = ContainerMatcher(recorded: [.init(key: .host, name: nil), web, named], source: "the trace /tmp/t")
        #expect(try matcher.match("web").get() == 1)
        #expect(try matcher.match(web.id).get() == 1)
        #expect(try matcher.match("docker:\(web.id)").get() == 1)
        #expect(try matcher.match("abc1").get() == 1)
        #expect(try matcher.match("abc").get() == 2)
        #expect(try matcher.match("host").get() == 0)
        #expect(
            throws: ContainerMatchError.notFound(
                query: "1234", known: ["web", "abc"], scope: .recorded("the trace /tmp/t"))
        ) {
            try matcher.matchAll(["web", "1234"])
        }
        #expect(
            ContainerMatchError.notFound(query: "db", known: ["web", "abc"], scope: .recorded("the trace /tmp/t"))
                .description
                == "no container in the trace /tmp/t matches 'db' (it has: web, abc)")
        #expect(
            ContainerMatchError.notFound(query: "db", known: [], scope: .recorded("the trace /tmp/t")).description
                == "no container in the trace /tmp/t matches 'db' (it has no containers; `host` names the host)")
    }
}
