"""hetflow report on a simulated and a real trace, rendered in headless
Chromium: the screenshot is not blank and the set names are on the page."""
import os
import shutil
import subprocess
import unittest
import zlib

from clitest import CliTest, example, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def png_pixels(path):
    """The decompressed image rows of a PNG (filter bytes included)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    return zlib.decompress(idat)


@unittest.skipUnless(CHROMIUM, "chromium is installed by scripts/install-deps.sh")
class Report(CliTest):
    def render(self, html):
        profile = os.path.join(self.dir, "profile")
        shot = os.path.join(self.dir, "shot.png")
        subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                        "--window-size=1100,1400", f"--screenshot={shot}",
                        f"file://{html}"], capture_output=True, timeout=120, check=True)
        dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                              "--dump-dom", f"file://{html}"], capture_output=True,
                             text=True, timeout=120, check=True).stdout
        return png_pixels(shot), dom

    def check(self, trace, sets):
        html = os.path.join(self.dir, "report.html")
        rc, _, err = run("report", trace, "-o", html)
        self.assertEqual(rc, 0, err)
        pixels, dom = self.render(html)
        # A blank page compresses to one value repeated; charts give many.
        self.assertGreater(len(set(pixels)), 20)
        self.assertGreater(sum(1 for b in pixels if b not in (0, 255)), 1000)
        for name in sets:
            self.assertIn(f">{name}<", dom)
        self.assertIn("Cores in use", dom)

    def test_simulated_run(self):
        trace = os.path.join(self.dir, "sim.json")
        rc, _, err = run("simulate", example("ddmd-async.yaml"), "--trace", trace)
        self.assertEqual(rc, 0, err)
        self.check(trace, ["sim1", "agg2", "train3", "infer3"])

    def test_real_run(self):
        wf = self.write("w.yaml", "sets:\n  produce: {tasks: 4, command: [sleep, '0.1']}\n"
                        "  consume: {tasks: 2, command: [sleep, '0.1'], after: [produce]}\n")
        trace = os.path.join(self.dir, "real.json")
        rc, _, err = run("run", wf, "--workdir", os.path.join(self.dir, "w"),
                         "--trace", trace, "--quiet")
        self.assertEqual(rc, 0, err)
        self.check(trace, ["produce", "consume"])

    def test_svg_and_default_name(self):
        trace = os.path.join(self.dir, "t.json")
        run("simulate", example("fig1b.yaml"), "--trace", trace)
        rc, _, _ = run("report", trace, "--svg")
        self.assertEqual(rc, 0)
        with open(os.path.join(self.dir, "t.svg")) as f:
            self.assertTrue(f.read().startswith("<svg"))
        rc, _, err = run("report", os.path.join(self.dir, "missing.json"))
        self.assertEqual(rc, 2)
        self.assertIn("missing.json", err)


if __name__ == "__main__":
    unittest.main()
