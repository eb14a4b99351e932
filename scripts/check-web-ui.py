#!/usr/bin/env python3
"""Drives the agent's web UI in headless Chromium over the DevTools protocol and checks it.

    scripts/check-web-ui.py --agent http://127.0.0.1:9798 --container NAME --out DIR [--token-file FILE]

NAME is a running container the agent sees (a busy loop under a small --cpus cap shows
throttling). The script checks that the container table shows what GET /api/v1/latest says
(every container, its cap and memory limit exactly, its CPU and throttling within a tolerance
for the samples taken in between), that sorting by a column orders the rows, that the
container page draws its charts, findings and processes, that the profile button produces a
flame graph in the page whose zoom (click) and search (?s= and the Search button's prompt)
work embedded, and that the captures page lists the capture with a download link. It saves
screenshots of every page in DIR for a person to look at. Exit status 0 when every check
passes. With --token-file (an agent started with one), it first checks that the page asks
for the token, signs in through that form, and sends the token with its own API requests.
Uses only Python's standard library and /usr/bin/chromium.
"""
import argparse, base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

failures = []
token = None  # the agent's token, when it has one (--token-file)


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)
    return condition


class DevTools:
    """A minimal WebSocket client (RFC 6455, text frames) speaking the DevTools protocol."""

    def __init__(self, url):
        assert url.startswith("ws://")
        host_port, path = url[5:].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        assert b" 101 " in response.split(b"\r\n")[0], response
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0
        self.events = []

    def _send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            message += payload
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)
            if message.get("method") == "Page.javascriptDialogOpening":
                self.dialog_opened(message["params"])

    def dialog_opened(self, params):
        pass

    def evaluate(self, expression, await_promise=True):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30, what=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        check(False, f"timed out waiting for {what or expression}")
        return None

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print(f"saved {path}")


def authorized(url):
    return urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})


def api(agent, path):
    with urllib.request.urlopen(authorized(agent + path), timeout=30) as response:
        return json.loads(response.read())


def format_cores(value):
    return "–" if value is None else (f"{value:.1f}" if value >= 10 else f"{value:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agent", required=True, help="the agent's URL, e.g. http://127.0.0.1:9798")
    parser.add_argument("--container", required=True, help="a running container to open and profile")
    parser.add_argument("--out", required=True, help="directory for the screenshots")
    parser.add_argument("--profile-seconds", type=int, default=5, choices=[5, 10, 30, 60])
    parser.add_argument("--token-file", help="the agent's --token-file: sign in through the page's form")
    arguments = parser.parse_args()
    global token
    if arguments.token_file:
        token = open(arguments.token_file).read().strip()
    agent = arguments.agent.rstrip("/")
    os.makedirs(arguments.out, exist_ok=True)

    profile_dir = tempfile.mkdtemp(prefix="periscope-chromium-")
    browser = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
                                f"--user-data-dir={profile_dir}", "--window-size=1440,1000", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile_dir, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        port = open(port_file).read().split("\n")[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list").read())
        page = next(t for t in targets if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        prompts = []

        def answer_dialog(params):
            prompts.append(params)
            # Answered from a later call: the dialog blocks the page, not this connection.
            tools._send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": True, "promptText": "sh"}}))
        tools.dialog_opened = answer_dialog
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=1440, height=1000, deviceScaleFactor=1, mobile=False)
        run_checks(tools, agent, arguments, prompts)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile_dir, ignore_errors=True)
    print(f"{len(failures)} checks failed" if failures else "every check passed")
    return 1 if failures else 0


def run_checks(tools, agent, arguments, prompts):
    out = arguments.out
    tools.call("Page.navigate", url=agent + "/")
    if token:
        # 0. Without its token the page asks for it; the form's cookie opens the API.
        tools.wait_for("document.getElementById('sign-in') !== null", what="the sign-in form")
        tools.screenshot(os.path.join(out, "0-sign-in.png"))
        tools.evaluate(f"document.getElementById('token').value = {json.dumps('wrong-' + token)}; "
                       "document.querySelector('#sign-in button').click()")
        tools.wait_for("document.querySelector('#sign-in .message.error') !== null", what="a wrong token refused")
        tools.evaluate(f"document.getElementById('token').value = {json.dumps(token)}; "
                       "document.querySelector('#sign-in button').click()")
        check(tools.evaluate("!location.href.includes(" + json.dumps(token) + ")"), "the token is not in the page's URL")
    # 1. The container table against the API.
    tools.wait_for("document.querySelectorAll('#containers tbody tr[data-key]').length > 0", what="the container table's rows")
    tools.evaluate("document.getElementById('pause').click()")  # freeze the table while comparing
    time.sleep(0.3)
    rows = tools.evaluate("""Array.from(document.querySelectorAll('#containers tbody tr[data-key]')).map(tr => {
        const cells = {}; tr.querySelectorAll('td').forEach(td => cells[td.dataset.column] = td.textContent);
        return { key: tr.dataset.key, cells, hot: Array.from(tr.querySelectorAll('td.hot')).map(td => td.dataset.column) }; })""")
    latest = api(agent, "/api/v1/latest")
    by_key = {entry["labels"]["key"]: entry for entry in latest["containers"]}
    shown = {row["key"]: row for row in rows}
    check(set(shown) == set(by_key), f"the table has one row per container of /api/v1/latest ({len(shown)} rows, {len(by_key)} containers)")
    for key, entry in by_key.items():
        row = shown.get(key)
        if not row:
            continue
        cells, rates = row["cells"], entry.get("rates") or {}
        cpu, memory = rates.get("cpu") or {}, rates.get("memory") or {}
        name = entry["labels"]["name"]
        check(cells["name"] == name, f"{name}: name")
        cap = cpu.get("capCores")
        check(cells["capCores"] == ("none" if cap is None else format_cores(cap)), f"{name}: cap {cells['capCores']} (API {cap})")
        limit = memory.get("limitBytes")
        check((cells["memoryLimitBytes"] == "none") == (limit is None or limit >= 2 ** 60), f"{name}: memory limit {cells['memoryLimitBytes']} (API {limit})")
        used = cpu.get("usageCores")
        if used is not None and cells["cpuCores"] != "–":
            check(abs(float(cells["cpuCores"]) - used) <= 0.1 + 0.2 * used, f"{name}: CPU {cells['cpuCores']} cores (API {used:.3f}, a sample apart)")
    target = next((row for row in rows if row["cells"]["name"] == arguments.container), None)
    if check(target is not None, f"the table lists {arguments.container}"):
        entry = by_key[target["key"]]
        throttled = (entry.get("rates") or {}).get("cpu", {}).get("throttledPercentOfPeriods")
        check(throttled is not None and throttled > 0 and "throttledPercent" in target["hot"] + ["throttledPercent"] and target["cells"]["throttledPercent"] != "–",
              f"{arguments.container}: throttling visible ({target['cells']['throttledPercent']} of periods, API {throttled})")
        check("throttledPercent" in target["hot"], f"{arguments.container}: the throttled cell is highlighted")
    tools.screenshot(os.path.join(out, "1-containers.png"))

    # 2. Sorting.
    for descending in (True, False):
        tools.evaluate("""(() => { const th = document.querySelector('#containers th[data-key=name]'); th.click(); })()""")
        names = tools.evaluate("Array.from(document.querySelectorAll('#containers tbody td[data-column=name]')).map(td => td.textContent)")
        direction = tools.evaluate("document.querySelector('#containers th[data-key=name]').getAttribute('aria-sort')")
        expected = sorted(names, key=str.lower, reverse=(direction == "descending"))
        check([n.lower() for n in names] == [n.lower() for n in expected], f"sorting by name ({direction}) orders the rows")
    tools.evaluate("document.querySelector('#containers th[data-key=cpuCores]').click()")
    values = tools.evaluate("Array.from(document.querySelectorAll('#containers tbody td[data-column=cpuCores]')).map(td => td.textContent)")
    numbers = [float(v) for v in values if v != "–"]
    direction = tools.evaluate("document.querySelector('#containers th[data-key=cpuCores]').getAttribute('aria-sort')")
    check(numbers == sorted(numbers, reverse=(direction == "descending")), f"sorting by CPU ({direction}) orders the rows")

    # 3. The container page.
    tools.evaluate(f"location.hash = '#/container/' + encodeURIComponent({json.dumps(target['key'] if target else arguments.container)})")
    tools.wait_for("document.querySelectorAll('#charts .chart svg path').length >= 3", timeout=30, what="the container's charts")
    tools.wait_for("document.querySelector('#process-table tbody tr') !== null", timeout=20, what="the container's processes")
    tools.wait_for("document.querySelector('#findings .finding, #findings p') !== null", timeout=20, what="the container's findings")
    processes = tools.evaluate("Array.from(document.querySelectorAll('#process-table tbody tr td:nth-child(3)')).map(td => td.textContent)")
    check("sh" in processes, f"the process table lists the container's shell ({processes})")
    title = tools.evaluate("document.querySelector('h1').textContent")
    check(title == arguments.container, f"the page is titled with the container's name ({title})")
    time.sleep(2.5)  # the CPU column of the processes needs two answers
    tools.screenshot(os.path.join(out, "2-container.png"))

    # 4. A profile from the page: the flame graph opens in it, zoom and search work.
    tools.evaluate(f"document.getElementById('profile-seconds').value = '{arguments.profile_seconds}'")
    tools.evaluate("document.getElementById('take-profile').click()")
    tools.wait_for("document.querySelector('#capture-area .message') !== null", timeout=10, what="the capture's progress")
    tools.screenshot(os.path.join(out, "3-profiling.png"))
    loaded = tools.wait_for("""(() => { const f = document.getElementById('flamegraph');
        return f && f.contentDocument && f.contentDocument.getElementById('frames') && f.contentDocument.getElementById('frames').children.length > 0; })()""",
                            timeout=arguments.profile_seconds + 60, what="the flame graph in the page")
    if loaded:
        frame_count = tools.evaluate("document.getElementById('flamegraph').contentDocument.getElementById('frames').children.length")
        check(frame_count > 1, f"the flame graph has {frame_count} frames")
        root_label = tools.evaluate("""(() => { const d = document.getElementById('flamegraph').contentDocument;
            return Array.from(d.querySelectorAll('#frames g title')).map(t => t.textContent).find(t => t.startsWith(%s)) || null; })()""" % json.dumps(arguments.container))
        check(root_label is not None, f"its root frame is the container ({root_label})")
        zoomed = tools.evaluate("""(() => { const d = document.getElementById('flamegraph').contentDocument;
            const frames = Array.from(d.querySelectorAll('#frames g'));
            const target = frames.find(g => g.querySelector('title').textContent.startsWith('sh ')) || frames[frames.length - 1];
            const before = d.getElementById('unzoom').getAttribute('class');
            target.querySelector('rect').dispatchEvent(new MouseEvent('click', { bubbles: true }));
            return { before, after: d.getElementById('unzoom').getAttribute('class'), width: target.querySelector('rect').getAttribute('width'),
                     full: d.documentElement.getAttribute('width') }; })()""")
        check(zoomed["before"] == "hide" and zoomed["after"] != "hide", f"clicking a frame zooms (Reset Zoom shown: {zoomed})")
        tools.screenshot(os.path.join(out, "4-flamegraph-zoomed.png"))
        tools.evaluate("""(() => { const d = document.getElementById('flamegraph').contentDocument;
            d.getElementById('search').dispatchEvent(new MouseEvent('click', { bubbles: true })); })()""", await_promise=False)
        time.sleep(0.5)
        tools.evaluate("1")  # lets the dialog event arrive
        matched = tools.evaluate("document.getElementById('flamegraph').contentDocument.getElementById('matched').textContent")
        check(len(prompts) == 1 and matched.startswith("Matched:"), f"Search asks for a term in the page and highlights it ({matched!r})")
        tools.screenshot(os.path.join(out, "5-flamegraph-search.png"))

    # 5. The captures page.
    tools.evaluate("location.hash = '#/captures'")
    tools.wait_for("document.querySelector('#captures table tbody tr') !== null", timeout=10, what="the capture list")
    listed = tools.evaluate("""Array.from(document.querySelectorAll('#captures tbody tr')).map(tr => ({ id: tr.dataset.id, text: tr.textContent,
        download: (tr.querySelector('a[download]') || {}).href || null }))""")
    captures = api(agent, "/api/v1/captures")["captures"]
    check([row["id"] for row in listed] == [c["id"] for c in captures], "the captures page lists /api/v1/captures in order")
    newest = captures[0] if captures else None
    if newest and check(newest["kind"] == "profile" and newest["state"] == "succeeded", f"the newest capture is the profile, succeeded ({newest and newest['state']})"):
        link = listed[0]["download"]
        with urllib.request.urlopen(authorized(link), timeout=30) as response:
            disposition = response.headers.get("Content-Disposition", "")
            body = response.read()
        check(body.startswith(b"<?xml") or b"<svg" in body[:400], f"its download link gives the SVG ({len(body)} bytes, {disposition})")
        check(disposition.startswith("attachment"), "the download link downloads (Content-Disposition: attachment)")
    tools.screenshot(os.path.join(out, "6-captures.png"))


if __name__ == "__main__":
    sys.exit(main())
