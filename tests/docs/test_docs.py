"""The docs test: every command that README.md and docs/*.md show is run,
and what it prints is compared with what the docs show after it, so that
the docs cannot go stale.

What counts as a shown command
  A fenced block tagged `console` is a terminal session.  A line starting
  with `$ ` is a command (a line ending in a backslash continues it on the
  next line); the lines after it, up to the next command or the end of the
  block, are its output: stdout and stderr together, as `CMD 2>&1` gives
  them.  Commands belong in `console` blocks: a block tagged sh, bash or
  shell fails this test unless it is marked not run (below; each line that
  is not a comment counts as a command), and so does an untagged block
  (tag plain text `text`).

How it runs them
  Each Markdown file is one session, run in order in a fresh temporary copy
  of the repository's sources (no .git, no build folders), from the copy's
  root, with bash and with PATH starting with the copy's build/ folder.
  That folder links to what the build made (hetflow, hetflow-worker,
  libhetflow.so, build/examples, build/bench, build/tests), so the docs
  show exactly what a user types from the repository's root after
  `export PATH="$PWD/build:$PATH"`, and whatever a command writes (into
  build/..., bench/*/out, ...) lands in the copy, never in the source tree.
  TMPDIR points into the temporary folder.  stdout is line-buffered
  (stdbuf -oL) and Python unbuffered, so that stdout and stderr interleave
  as on a terminal.  Every command must exit 0: a command shown failing is written
  `CMD; echo "exit $?"`, and its exit status is then part of its output.

How output is compared
  Line by line and exactly (spaces included), except for three markers:
  - `...` alone on a line stands for any number of lines, none included;
  - a line ending in `...` (after other text) matches any line that starts
    with the text before the dots (a line whose end depends on the machine,
    as `hetflow platform`'s core list);
  - `~` right before a number marks a measured value (a real run's
    makespan, a utilization, a time): any number within a factor of 3 of
    it matches, and on such a line a run of spaces matches any run of
    spaces (columns move when a number's width changes).  Readers see
    "~13.3 s" as "about 13.3 s".
  Paths: the docs show the repository at /home/me/hetflow.  In outputs,
  the copy's root is replaced by /home/me/hetflow and the real build
  folder by /home/me/hetflow/build before comparing.

What is not run, and why
  An HTML comment on the line(s) right before a block marks it:
  - `<!-- not run: REASON -->`: the block's commands are not run (a batch
    submission, salloc, make demo or make check, which builds and runs this
    very suite, and benchmarks that take minutes on the shared machine and
    whose numbers are measurements kept as measured).  The test prints how
    many and why.
  - `<!-- smoke: COMMAND -->` (after a not-run marker, one or more): a
    small version of a not-run benchmark (fewer tasks, one round), run
    in the session; it must exit 0, its output is not compared.  So every
    benchmark script the docs show is at least run once at a tiny size,
    unless it cannot be (a real Slurm, a fixed size of minutes).

The test fails on the first difference in each file and shows the
command, what the docs show, and what it printed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.path.abspath(os.environ.get("HETFLOW_BUILD", os.path.join(ROOT, "build")))
SHOWN_ROOT = "/home/me/hetflow"
TIMEOUT = 180  # seconds per command
FACTOR = 3.0   # a ~number matches within this factor
# What the copy's build/ links to, when the build made it.
BUILD_LINKS = ["hetflow", "hetflow-worker", "libhetflow.so", "examples", "bench", "tests"]


def docs_files():
    files = [os.path.join(ROOT, "README.md")]
    docs = os.path.join(ROOT, "docs")
    files += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md"))
    return files


class Block:
    def __init__(self, path, line, lang, lines, marks):
        self.path, self.line, self.lang, self.lines, self.marks = path, line, lang, lines, marks

    def mark(self, kind):
        return [m[len(kind):].strip() for m in self.marks if m.startswith(kind)]


def blocks(path):
    """The fenced blocks of a Markdown file, each with the HTML comments
    right before it."""
    out, marks, fence = [], [], None
    with open(path, encoding="utf-8") as f:
        text = f.read().split("\n")
    i = 0
    while i < len(text):
        line = text[i]
        m = re.match(r"^(```+)\s*(\S*)\s*$", line)
        if m:
            fence, lang, start, body = m.group(1), m.group(2), i + 1, []
            i += 1
            while i < len(text) and text[i].rstrip() != fence:
                body.append(text[i])
                i += 1
            out.append(Block(path, start, lang, body, marks))
            marks = []
        elif line.strip().startswith("<!--"):
            comment = line.strip()
            while not comment.endswith("-->") and i + 1 < len(text):
                i += 1
                comment += " " + text[i].strip()
            marks.append(comment[4:-3].strip())
        elif line.strip():
            marks = []
        i += 1
    return out


def commands(block):
    """(command, expected output lines, line number) of a console block."""
    cmds, i, lines = [], 0, block.lines
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise AssertionError(f"{block.path}:{block.line + i + 1}: output before any command")
        cmd, at = lines[i][2:], block.line + i + 1
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd + "\n" + lines[i]
        i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        cmds.append((cmd, expected, at))
    return cmds


NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"


def line_matches(want, got):
    if want == got:
        return True
    if want.endswith("...") and want != "...":
        return got.startswith(want[:-3])
    if "~" not in want:
        return False
    # Literal text with ~numbers; spaces flexible.
    parts = re.split(r"~(" + NUMBER + r")", want)
    pattern, wanted = "", []
    for k, part in enumerate(parts):
        if k % 2:
            pattern += "(" + NUMBER + ")"
            wanted.append(float(part))
        else:
            pattern += r"\s+".join(re.escape(w) for w in re.split(r"\s+", part))
    m = re.fullmatch(pattern, got)
    if not m:
        return False
    for w, g in zip(wanted, m.groups()):
        g = float(g)
        if w == 0:
            if abs(g) > 1:
                return False
        elif not (w / FACTOR <= g <= w * FACTOR) or (g < 0) != (w < 0):
            return False
    return True


def output_matches(want, got):
    """Whether the lines `got` match the shown lines `want` (with `...`)."""
    memo = {}

    def match(i, j):
        if (i, j) in memo:
            return memo[i, j]
        if i == len(want):
            r = j == len(got)
        elif want[i] == "...":
            r = any(match(i + 1, k) for k in range(j, len(got) + 1))
        else:
            r = j < len(got) and line_matches(want[i], got[j]) and match(i + 1, j + 1)
        memo[i, j] = r
        return r

    return match(0, 0)


class Session:
    """A temporary copy of the repository where one file's commands run."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="hetflow-docs-")
        self.root = os.path.join(self.tmp, "hetflow")

        def ignore(folder, names):
            skip = {".git", "__pycache__", "out"} if folder != ROOT else {".git", "__pycache__"}
            if folder == ROOT:
                skip |= {n for n in names if n.startswith("build")}
            return [n for n in names if n in skip or n.startswith("out.old-")]

        shutil.copytree(ROOT, self.root, ignore=ignore, symlinks=True)
        os.mkdir(os.path.join(self.root, "build"))
        for name in BUILD_LINKS:
            if os.path.exists(os.path.join(BUILD, name)):
                os.symlink(os.path.join(BUILD, name), os.path.join(self.root, "build", name))
        os.mkdir(os.path.join(self.tmp, "tmp"))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("HETFLOW") and k not in ("EXAMPLES", "FAKE", "FAKE_LIB")}
        env["PATH"] = os.path.join(self.root, "build") + ":" + os.environ.get("PATH", "/usr/bin:/bin")
        env["TMPDIR"] = os.path.join(self.tmp, "tmp")
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.env = env

    def run(self, cmd):
        """(exit status, output lines) of cmd, paths shown as in the docs."""
        # stdout line-buffered, as on a terminal, so that it interleaves with
        # stderr as a user sees it (a run's summary before its failures).
        line_buffered = ["stdbuf", "-oL"] if shutil.which("stdbuf") else []
        p = subprocess.run(line_buffered + ["bash", "-c", cmd], cwd=self.root, env=self.env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT)
        text = p.stdout.decode("utf-8", "replace")
        text = text.replace(os.path.realpath(BUILD), SHOWN_ROOT + "/build")
        text = text.replace(BUILD, SHOWN_ROOT + "/build")
        text = text.replace(os.path.realpath(self.root), SHOWN_ROOT)
        text = text.replace(self.root, SHOWN_ROOT)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return p.returncode, lines

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class Stats:
    run = 0
    smoke = 0
    not_run = []   # (where, commands, reason)


def check_file(test, path):
    rel = os.path.relpath(path, ROOT)
    session = Session()
    try:
        for block in blocks(path):
            where = f"{rel}:{block.line}"
            has_prompt = any(line.startswith("$ ") for line in block.lines)
            if block.lang == "sh" and block.mark("not run:"):
                # Commands without prompts or output, shown only.
                n = sum(1 for line in block.lines
                        if line.strip() and not line.strip().startswith("#"))
                Stats.not_run.append((where, n, block.mark("not run:")[0]))
                continue
            if block.lang in ("sh", "bash", "shell", "shell-session") or \
                    (block.lang == "" and has_prompt):
                test.fail(f"{where}: commands go in a `console` block (this one is "
                          f"'{block.lang or 'untagged'}')")
            if block.lang == "":
                test.fail(f"{where}: an untagged block (tag plain text `text`)")
            if block.lang != "console":
                continue
            cmds = commands(block)
            reasons = block.mark("not run:")
            if reasons:
                Stats.not_run.append((where, len(cmds), reasons[0]))
                for smoke in block.mark("smoke:"):
                    rc, out = session.run(smoke)
                    test.assertEqual(rc, 0, f"{where}: smoke run '{smoke}' exited {rc}:\n"
                                     + "\n".join(out[-30:]))
                    Stats.smoke += 1
                continue
            for cmd, expected, at in cmds:
                rc, out = session.run(cmd)
                good = rc == 0 and output_matches(expected, out)
                Stats.run += 1
                if not good:
                    test.fail(f"{rel}:{at}: $ {cmd}\n"
                              + (f"exited {rc}\n" if rc else "")
                              + "--- the docs show:\n" + "\n".join(expected)
                              + "\n--- it printed:\n" + "\n".join(out))
    finally:
        session.close()


class Docs(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        print(f"\ncommands run and compared: {Stats.run}; smoke runs of benchmarks: "
              f"{Stats.smoke}", file=sys.stderr)
        print(f"commands not run: {sum(n for _, n, _ in Stats.not_run)} in "
              f"{len(Stats.not_run)} blocks", file=sys.stderr)
        for where, n, reason in Stats.not_run:
            print(f"  {where}: {n} command(s): {reason}", file=sys.stderr)

    def test_links(self):
        # Every relative link between the docs names a file that exists and,
        # after '#', a heading of it (GitHub's anchors).
        def anchors(path):
            with open(path, encoding="utf-8") as f:
                heads = [line.lstrip("#").strip() for line in f if line.startswith("#")]
            return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}

        for path in docs_files():
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                if re.match(r"[a-z]+:", target):
                    continue  # a web address
                file, _, anchor = target.partition("#")
                full = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
                where = f"{os.path.relpath(path, ROOT)}: ({target})"
                self.assertTrue(os.path.exists(full), f"{where}: no such file")
                if anchor:
                    self.assertIn(anchor, anchors(full), f"{where}: no such heading")

    def test_notation(self):
        # The comparison itself, so that a broken matcher cannot pass
        # everything.
        self.assertTrue(output_matches(["a", "...", "z"], ["a", "b", "c", "z"]))
        self.assertTrue(output_matches(["a", "...", "z"], ["a", "z"]))
        self.assertFalse(output_matches(["a", "z"], ["a", "b", "z"]))
        self.assertTrue(line_matches("makespan     ~13.3 s", "makespan     20.1 s"))
        self.assertTrue(line_matches("makespan     ~13.3 s", "makespan    113.3 s") is False)
        self.assertFalse(line_matches("makespan     13.3 s", "makespan     13.4 s"))
        self.assertTrue(line_matches("cores     2: ...", "cores     2: 0 1"))
        self.assertFalse(line_matches("cores     2: ...", "cores     8: 0 1"))
        self.assertFalse(line_matches("x ~1.0 y", "x 1.0 z"))


def add_file_tests():
    for path in docs_files():
        name = "test_" + re.sub(r"\W", "_", os.path.relpath(path, ROOT))
        setattr(Docs, name, lambda self, path=path: check_file(self, path))


add_file_tests()

if __name__ == "__main__":
    t0 = time.monotonic()
    try:
        unittest.main()
    finally:
        print(f"docs test: {time.monotonic() - t0:.1f} s", file=sys.stderr)
