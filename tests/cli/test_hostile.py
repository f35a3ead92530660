"""Hostile input: every file here and every bad argument gets exit status 2,
nothing on stdout, one line on stderr naming file:line:col where there is a
line, and no crash or hang (each run has a time limit; `make check-asan`
runs this same table under AddressSanitizer, LeakSanitizer and UBSan)."""
import os
import subprocess
import unittest

from clitest import CliTest, HETFLOW

# Nine levels of ten aliases: 10^9 values.
BOMB = (b"sets:\n  f:\n    function: {python: 'm:f'}\n    args:\n"
        b"      a0: &a0 [1,1,1,1,1,1,1,1,1,1]\n" +
        b"".join(b"      a%d: &a%d [%s]\n" % (i, i, b",".join([b"*a%d" % (i - 1)] * 10))
                 for i in range(1, 9)))

# A WfFormat 1.5 task with the coreCount given.
WFFORMAT_CORES = (b'{"name": "w", "schemaVersion": "1.5", "workflow": {"specification": '
                  b'{"tasks": [{"name": "t1", "id": "t1", "parents": [], "children": []}]}, '
                  b'"execution": {"makespanInSeconds": 1, "executedAt": "x", "tasks": '
                  b'[{"id": "t1", "runtimeInSeconds": 1, "coreCount": %s}]}}}\n')

# (name, file content as bytes, what stderr must contain after "FILE:")
TABLE = [
    ("empty", b"", "file is empty"),
    ("only a comment", b"# nothing\n", "file is empty"),
    ("truncated", b"sets:\n  a: {tasks: 1, cor", "3:1: YAML:"),
    ("truncated string", b'sets:\n  a: {command: "echo', "YAML: found unexpected end of stream"),
    ("tab indentation", b"sets:\n\ta: {}\n", "2:1: YAML: a tab, where YAML wants spaces (indent with spaces)"),
    ("not a mapping", b"[1, 2, 3]\n", "1:1: a workflow must be a mapping"),
    ("string count", b"sets:\n  a: {tasks: many}\n", "2:14: tasks must be an integer"),
    ("list count", b"sets:\n  a: {tasks: [1, 2]}\n", "2:14: tasks must be an integer, not a list"),
    ("mapping cores", b"sets:\n  a: {cores: {x: 1}}\n", "2:14: cores must be an integer, not a mapping"),
    ("bool duration", b"sets:\n  a: {duration: true}\n", "2:17: duration must be a number"),
    ("float tasks", b"sets:\n  a: {tasks: 1e400}\n", "2:14: tasks must be an integer"),
    ("huge tasks", b"sets:\n  a: {tasks: 99999999999999999999}\n", "2:14: tasks must be between 1 and 100000000"),
    ("too many cores", b"sets:\n  a: {cores: 4097}\n", "2:14: cores must be between 1 and 4096"),
    ("huge duration", b"sets:\n  a: {duration: 1e300}\n", "2:17: duration must be between 0 and 1e12"),
    ("nan duration", b"sets:\n  a: {duration: nan}\n", "2:17: duration must be a number of seconds"),
    ("infinite duration", b"sets:\n  a: {duration: .inf}\n", "2:17: duration must be a number of seconds"),
    ("negative gpus", b"sets:\n  a: {gpus: -2}\n", "2:13: gpus must be between 0 and 256"),
    ("huge ranks", b"sets:\n  a: {ranks: 2000000}\n", "2:14: ranks must be between 1 and 1000000"),
    ("zero timeout", b"sets:\n  a: {timeout: 0}\n", "2:16: timeout must be more than 0"),
    ("bad on_failure", b"sets:\n  a: {on_failure: panic}\n", "2:19: unknown on_failure 'panic'"),
    ("self cycle", b"sets:\n  a: {after: [a]}\n", "2:15: set 'a' depends on itself"),
    ("three-cycle", b"sets:\n  a: {after: [c]}\n  b: {after: [a]}\n  c: {after: [b]}\n",
     "dependency cycle: b -> c -> a -> b"),
    ("unknown parent", b"sets:\n  a: {after: [ghost]}\n", "2:15: set 'a' depends on unknown set 'ghost'"),
    ("bidi name", "sets:\n  \"ab\u202ecd\": {}\n".encode(), "2:3: set name 'ab...' has a character"),
    ("slash name", b"sets:\n  a/b: {}\n", "2:3: set name 'a...' has a character"),
    ("dot-dot name", b"sets:\n  \"..\": {}\n", "2:3: set name '..' is not allowed"),
    ("dash name", b"sets:\n  -rf: {}\n", "2:3: set name '-rf' is not allowed"),
    ("newline name", b'sets:\n  "a\\nb": {}\n', "2:3: set name 'a...' has a character"),
    ("long name", b"sets:\n  " + b"n" * 200 + b": {}\n", "2:3: set name must be 1 to 128 bytes"),
    ("unicode name is fine, tasks are not", "sets:\n  模拟: {tasks: 0}\n".encode(),
     "2:15: tasks must be at least 1"),  # columns count characters
    ("repeated set key", b"sets:\n  a: {tasks: 1, tasks: 2}\n", "2:17: key 'tasks' repeated"),
    ("repeated top key", b"sets: {a: {}}\nsets: {b: {}}\n", "2:1: key 'sets' repeated"),
    ("repeated set name", b"sets:\n  a: {}\n  a: {}\n", "3:3: duplicate set name 'a'"),
    ("non-UTF-8 byte", b"sets:\n  a\xff: {}\n", "YAML: invalid"),
    ("NUL byte", b"sets:\n  a: {}\x00\n", "YAML:"),
    ("two documents", b"---\nsets: {a: {}}\n---\nsets: {b: {}}\n", "4:1: a workflow file holds one"),
    ("billion laughs", b"x: &a [1,1,1,1,1,1,1,1,1]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
     b"z: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nsets:\n  s: {after: *c}\n", "1:1: unknown key 'x'"),
    # Aliases are expanded by every walk of the loader: nine levels of ten
    # in a function's args were a billion values from 535 bytes.
    ("alias bomb in args", BOMB, "10:11: aliases here repeat more than 1000000 values"),
    ("alias inside its anchor", b"sets:\n  f:\n    function: {python: 'm:f'}\n"
     b"    args: &a {x: *a}\n", "4:11: an alias here is inside the node it names"),
    # A NUL would cut a string short where it reaches a process or function.
    ("NUL in args", b'sets:\n  f: {function: {python: "m:f"}, args: {a: "x\\0y"}}\n',
     "2:44: args: a string contains a NUL byte"),
    ("NUL in an args key", b'sets:\n  f: {function: {python: "m:f"}, args: {"a\\0b": 1}}\n',
     "2:41: args: a key contains a NUL byte"),
    ("NUL in an env value", b'sets:\n  a: {env: {A: "p\\0q"}}\n',
     "2:16: env value of 'A' contains a NUL byte"),
    # Set folders sit beside the workdir's own files.
    ("journal name", b"sets:\n  journal.db-wal: {}\n",
     "2:3: set name 'journal.db-wal' is taken by hetflow's own files in the workdir"),
    ("lock name", b"sets:\n  Run.Lock: {}\n", "2:3: set name 'Run.Lock' is taken by hetflow's"),
    # A set may not have the name a repeat gives a copy of another.
    ("copy name", b"sets:\n  x: {}\n  x.1: {}\nrules:\n  - when: {set: x}\n"
     b"    do: [{repeat: {sets: [x], max: 3}}]\n",
     "3:3: set 'x.1' has the name of iteration 1 of 'x', which the rule at line 6 repeats"),
    ("template copy name", b'sets:\n  sim-{iter}: {}\n  sim-3: {}\nrules:\n'
     b'  - when: {set: "sim-{iter}"}\n    do: [{repeat: {sets: ["sim-{iter}"], max: 4}}]\n',
     "3:3: set 'sim-3' has the name of iteration 3 of 'sim-{iter}'"),
    ("repeat past the task cap", b"sets:\n  big: {tasks: 10000000}\nrules:\n"
     b"  - when: {set: big}\n    do: [{repeat: {sets: [big], max: 100000}}]\n",
     "5:19: repeat may make 100000 iterations of 10000000 tasks: the workflow would have "
     "more than 100000000 tasks"),
    ("unequal one-to-one", b"sets:\n  a: {tasks: 2}\n  b: {tasks: 3, after: [{set: a, map: one-to-one}]}\n",
     "3:25: one-to-one map needs equal task counts"),
    ("zero nodes", b"platform: {nodes: 0}\nsets: {a: {}}\n", "1:19: nodes must be at least 1"),
    # Wrong types: each says what was expected.  Numbers and booleans are text
    # where text is a name or an argument (`after: [5]`, `command: [echo, 5]`),
    # not where it is code or where a number means a mistake.
    ("number command", b"sets:\n  a: {command: 5}\n",
     "2:16: command must be a list of arguments or a string, not a number"),
    ("boolean command", b"sets:\n  a: {command: false}\n",
     "2:16: command must be a list of arguments or a string, not a boolean"),
    ("null command", b"sets:\n  a: {command: }\n",
     "2:16: command must be a list of arguments or a string, not null"),
    ("mapping command", b"sets:\n  a: {command: {run: x}}\n",
     "2:16: command must be a list of arguments or a string, not a mapping"),
    ("yes service", b"sets:\n  a: {service: yes}\n", "2:16: service must be true or false, not 'yes'"),
    ("quoted service", b'sets:\n  a: {service: "true"}\n',
     "2:16: service must be true or false, not a quoted string"),
    ("list sync", b"sets:\n  a: {stage: {sync: [true]}}\n", "2:21: sync must be true or false, not a list"),
    ("number library", b"sets:\n  a: {function: {library: 5, symbol: f}}\n",
     "2:27: function library must be a string, not a number"),
    ("count as workers", b"sets:\n  a: {function: {python: 'm:f'}, workers: 4}\n",
     "2:43: workers must be a mapping ({count: N, ...}) or a function set's name, not a number"),
    ("string inputs", b"sets:\n  a: {inputs: x.h5}\n", "2:15: inputs must be a list of files, not a string"),
    ("number args", b"sets:\n  a: {function: {python: 'm:f'}, args: 5}\n",
     "2:40: args must be a mapping, not a number"),
    ("string stage", b"sets:\n  a: {stage: copy}\n", "2:14: stage must be a mapping, not a string"),
    ("list env value", b"sets:\n  a: {env: {A: [1]}}\n", "2:16: env value of 'A' must be a string, not a list"),
    ("number set", b"sets:\n  a: 5\n", "2:6: a set must be a mapping, not a number"),
    ("null name", b"name: ~\nsets: {a: {}}\n", "1:7: name must be a string, not null"),
    ("list name", b"name: [a]\nsets: {a: {}}\n", "1:7: name must be a string, not a list"),
    ("quoted duration", b'sets:\n  a: {duration: "5"}\n',
     "2:17: duration must be a number of seconds, not a quoted string"),
    ("quoted nodes", b'platform: {nodes: "2"}\nsets: {a: {}}\n',
     "1:19: nodes must be an integer, not a quoted string"),
    ("word fraction", b"sets:\n  a: {tasks: 4}\n  b: {after: [{set: a, fraction: half}]}\n",
     "3:34: fraction must be a number, not 'half'"),
    ("string when", b"sets:\n  a: {}\nrules:\n  - when: a\n    do: [{start: a}]\n",
     "4:11: when must be a mapping, not a string"),
    ("number size", b"sets:\n  a: {outputs: [{path: x, size: [1]}]}\n",
     "2:33: size must be a number of bytes, not a list"),
    ("wfformat dangling parent",
     b'{"name": "w", "schemaVersion": "1.5", "workflow": {"specification": {"tasks": '
     b'[{"name": "t1", "id": "t1", "parents": ["ghost"], "children": []}]}, "execution": '
     b'{"makespanInSeconds": 1, "executedAt": "x", "tasks": [{"id": "t1", '
     b'"runtimeInSeconds": 1}]}}}\n',
     "1:119: task 't1' names unknown parent 'ghost'"),
    ("wfformat without runtimes",
     b'{"name": "w", "schemaVersion": "1.5", "workflow": {"specification": {"tasks": '
     b'[{"name": "t1", "id": "t1", "parents": [], "children": []}]}}}\n',
     "WfFormat 1.5: workflow.execution.tasks is missing: no runtimes"),
    ("wfformat cycle",
     b'{"name": "w", "schemaVersion": "1.4", "workflow": {"tasks": ['
     b'{"name": "a", "parents": ["b"], "runtimeInSeconds": 1},'
     b'{"name": "b", "parents": ["a"], "runtimeInSeconds": 1}]}}\n',
     "1:143: dependency cycle: b -> a -> b"),  # at an edge of the cycle
    ("wfformat negative cores", WFFORMAT_CORES % b"-5",
     "1:257: task 't1': coreCount must be more than 0, not -5"),
    ("wfformat zero cores", WFFORMAT_CORES % b"0",
     "1:257: task 't1': coreCount must be more than 0, not 0"),
    ("wfformat NUL in an id", b'{"name": "w", "schemaVersion": "1.4", "workflow": {"tasks": ['
     b'{"name": "a\\u0000b", "runtime": 1}]}}\n', "1:71: a task's name contains a NUL byte"),
    ("wfformat version 2.0",
     b'{"name": "w", "schemaVersion": "2.0", "workflow": {}}\n',
     "1:32: WfFormat schemaVersion '2.0' is not one this reads (1.0 to 1.6)"),
    # An instance that is not JSON: yajl's message, at the place it stopped.
    ("wfformat cut short",
     b'{"name": "w", "schemaVersion": "1.5", "workflow": {"specification": {"tasks": '
     b'[{"name": "a"', "1:92: JSON: parse error: premature EOF"),
    ("wfformat trailing comma",
     b'{"name": "w", "schemaVersion": "1.5", "workflow": {"specification": {"tasks": '
     b'[{"name": "a", "id": "a", "parents": [],}]}}}\n',
     "1:119: JSON: parse error: invalid object key (must be a string)"),
]


class Hostile(CliTest):
    def check(self, args, expect, timeout=120):
        p = subprocess.run([HETFLOW, *args], capture_output=True, text=True,
                           timeout=timeout, errors="replace")
        self.assertEqual(p.returncode, 2, f"{args}: {p.stderr}")
        self.assertEqual(p.stdout, "")
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertIn(expect, p.stderr)

    def test_table(self):
        self.assertGreaterEqual(len(TABLE), 30)
        for i, (name, content, expect) in enumerate(TABLE):
            path = os.path.join(self.dir, f"case{i}.yaml")
            with open(path, "wb") as f:
                f.write(content)
            with self.subTest(name):
                self.check(["validate", path], f"{path}:{expect}" if expect[0].isdigit()
                           else expect, timeout=20)

    def test_deep_nesting(self):
        # A million nested lists: libyaml alone would take hours.
        path = os.path.join(self.dir, "deep.yaml")
        with open(path, "w") as f:
            f.write("sets:\n  a: {tasks: " + "[" * 1_000_000 + "]" * 1_000_000 + "}\n")
        self.check(["validate", path], f"{path}:2:77: nesting deeper than 64 levels",
                   timeout=10)

    def test_million_deep_chain_with_a_cycle(self):
        n = 1_000_000
        path = os.path.join(self.dir, "chain.yaml")
        with open(path, "w") as f:
            f.write(f"sets:\n  s0: {{after: [s{n - 1}]}}\n")
            for i in range(1, n):
                f.write(f"  s{i}: {{after: [s{i - 1}]}}\n")
        self.check(["validate", path], "dependency cycle: s1 -> s2 -> s3", timeout=300)
        self.check(["validate", path], f"... ({n} sets in all)", timeout=300)

    def test_hundred_megabytes(self):
        # One set whose name is 100 MB long: YAML allows 1024 characters in
        # an implicit key, and libyaml says so at the exact column.
        path = os.path.join(self.dir, "big.yaml")
        with open(path, "w") as f:
            f.write("sets:\n  ")
            chunk = "x" * (1 << 20)
            for _ in range(100):
                f.write(chunk)
            f.write(": {}\n")
        self.assertGreaterEqual(os.path.getsize(path), 100 << 20)
        self.check(["validate", path],
                   f"{path}:2:{(100 << 20) + 3}: YAML: mapping values are not allowed",
                   timeout=120)

    def test_too_large_and_not_a_file(self):
        path = os.path.join(self.dir, "sparse.yaml")
        with open(path, "wb") as f:
            f.truncate(200 << 20)  # sparse: no disk used
        self.check(["validate", path], f"{path}: file is larger than 128 MiB", timeout=10)
        self.check(["validate", self.dir], f"{self.dir}: is a directory", timeout=10)

    def test_out_of_memory_names_the_file(self):
        # Three million args values need more than 256 MiB of YAML nodes.
        with open(HETFLOW, "rb") as f:
            if b"__asan_init" in f.read():
                self.skipTest("AddressSanitizer does not run under an address-space limit")
        import resource
        path = os.path.join(self.dir, "huge.yaml")
        with open(path, "w") as f:
            f.write("sets:\n  f:\n    function: {python: 'm:f'}\n    args: {a: [" +
                    ",".join(["1"] * 3_000_000) + "]}\n")
        limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (256 << 20, 256 << 20))
        p = subprocess.run([HETFLOW, "validate", path], capture_output=True, text=True,
                           timeout=60, preexec_fn=limit)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertTrue(p.stderr.startswith(f"{path}:"), p.stderr)
        self.assertIn("out of memory", p.stderr)

    def test_set_name_is_not_a_command(self):
        # {set} in a command string is one word to sh, whatever the name.
        wf = self.write("w.yaml", 'sets:\n'
                        '  "b;touch${IFS}x;": {command: "echo {set} >> out.txt"}\n'
                        '  "it\'s": {command: "echo {set}-{index} >> out.txt"}\n'
                        '  plain: {command: "echo {set} >> out.txt", after: ["it\'s"]}\n')
        p = subprocess.run([HETFLOW, "run", wf, "--workdir", "w", "--quiet"], cwd=self.dir,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "x")))
        with open(os.path.join(self.dir, "out.txt")) as f:
            self.assertEqual(sorted(f.read().splitlines()),
                             ["b;touch${IFS}x;", "it's-0", "plain"])

    def test_simulate_exits_as_run_does(self):
        # A walltime stops the workflow: exit status 1 in both.
        wf = self.write("w.yaml", "walltime: 1\nplatform: {nodes: 1, cores_per_node: 1}\n"
                        "sets:\n  a: {tasks: 2, duration: 0.6, command: [sleep, '0.6']}\n")
        for args in (["simulate", wf], ["run", wf, "--workdir", os.path.join(self.dir, "w"),
                                        "--quiet"]):
            with self.subTest(args[0]):
                p = subprocess.run([HETFLOW, *args], capture_output=True, text=True,
                                   timeout=60)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("1 done, 0 failed, 1 canceled of 2", p.stdout)

    def test_report_escapes_the_trace(self):
        # A trace is a file anyone may have written: no string of it is markup.
        import json
        trace = os.path.join(self.dir, "t.json")
        p = subprocess.run([HETFLOW, "simulate", self.write(
            "w.yaml", "platform: {nodes: 1, cores_per_node: 2}\nsets:\n  a: {duration: 1}\n"),
            "--trace", trace], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(trace) as f:
            t = json.load(f)
        info = t["otherData"]["hetflow"]
        info["mode"], info["policy"] = "<script>m()</script>", "<b>p</b>"
        call = next(e for e in t["traceEvents"] if e.get("ph") == "X")
        call["tid"] = 2  # a lane past the cores: a function call
        call["args"].update(state="failed", status=1, error="<img src=x onerror=e()>",
                            worker="<i>w</i>")
        with open(trace, "w") as f:
            json.dump(t, f)
        for args, out in ((["-o", "r.html"], "r.html"), (["--svg"], "t.svg")):
            p = subprocess.run([HETFLOW, "report", trace, *args], cwd=self.dir,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(self.dir, out)) as f:
                page = f.read()
            with self.subTest(out):
                for tag in ("<script", "<b>", "<img", "<i>"):
                    self.assertFalse(tag in page, f"{tag} in {out}")
                self.assertIn("&lt;img src=x onerror=e()&gt;", page)
                if out == "r.html":
                    self.assertIn("&lt;script&gt;m()&lt;/script&gt; mode, &lt;b&gt;p&lt;/b&gt; "
                                  "policy", page)

    def test_bad_arguments(self):
        ok = self.write("ok.yaml", "sets:\n  a: {command: [true]}\n")
        for args, expect in [
            (["validate", ok, "--nodes", "99999999999"], "--nodes wants an integer"),
            (["simulate", ok, "--seed", "abc"], "--seed wants an integer"),
            (["simulate", ok, "--cores-per-node", "-1"], "--cores-per-node wants"),
            (["run", ok, "--walltime", "-1"], "--walltime wants seconds"),
            (["run", ok, "--walltime", "nan"], "--walltime wants seconds"),
            (["run", ok, "--walltime"], "option '--walltime' needs a value"),
            (["report", ok, "--mode", "task"], "option '--mode' does not apply here"),
            (["status"], "missing WORKDIR"),
            (["report"], "missing TRACE"),
            (["run", "-x", ok], "unknown option '-x'"),
            (["platform", "--launcher", "srun"], "option '--launcher' does not apply here"),
            (["help", "frobnicate"], "hetflow help: unknown command 'frobnicate'"),
            (["frobnicate"], "unknown command 'frobnicate'"),
            (["simulate", ok, "extra"], "unexpected argument 'extra'"),
            (["analyze", "--json"], "missing workflow FILE"),
        ]:
            with self.subTest(args=args):
                self.check(args, expect, timeout=20)


if __name__ == "__main__":
    unittest.main()
