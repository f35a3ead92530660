"""--help everywhere, validate's report, and the exit-status contract."""
import re
import unittest

from clitest import CliTest, example, run

COMMANDS = ("validate", "analyze", "simulate", "compare", "run", "platform", "report",
            "status", "resume", "submit")

# Every long option of cmd_parse (src/cmd/common.c), with whether it takes a
# value.
OPTIONS = {
    "nodes": True, "cores-per-node": True, "gpus-per-node": True, "mode": True,
    "policy": True, "seed": True, "json": False, "trace": True, "workdir": True,
    "quiet": False, "output": True, "svg": False, "resume": False, "walltime": True,
    "no-journal": False, "launcher": True, "hostfile": True, "max-steps": True,
    "partition": True, "account": True, "dry-run": False, "group-by": True,
    "wfformat": True, "force": False, "retry-failed": False,
}


def listed_options(help_text):
    """The options a --help names: all in its usage lines, and those that
    begin a line of its option list ("  --json   print ...")."""
    usage, _, rest = help_text.partition("\n\n")
    names = set(re.findall(r"(?<![\w-])--?([a-z][a-z-]*)", usage))
    for line in rest.splitlines():
        if not line.startswith("  -"):
            continue
        for token in line.split():
            if token.startswith("-"):
                names.add(token.strip(",").lstrip("-"))
            elif not token.isupper():
                break  # the description
    return {"output" if n == "o" else n for n in names} - {"h", "help"}


class Usage(CliTest):
    def test_help_on_every_subcommand(self):
        for cmd in COMMANDS:
            with self.subTest(cmd=cmd):
                rc, out, err = run(cmd, "--help")
                self.assertEqual(rc, 0)
                self.assertTrue(out.startswith(f"usage: hetflow {cmd} "))
                self.assertEqual(err, "")
                # -h and `hetflow help CMD` say the same, -h after a FILE too.
                for args in ((cmd, "-h"), ("help", cmd), (cmd, "x.yaml", "-h")):
                    self.assertEqual(run(*args), (0, out, ""), args)
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        for cmd in ("validate", "analyze", "simulate", "compare"):
            self.assertIn(cmd, out)
        rc, out, _ = run("--version")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("hetflow "))

    def test_help_lists_what_is_accepted(self):
        # Each option a command's help names is one it takes, and each it
        # takes is named.  An option that does not apply is refused before
        # anything else is looked at, so a bad value and a missing file do.
        for cmd in COMMANDS:
            _, out, _ = run(cmd, "--help")
            listed = listed_options(out)
            self.assertLessEqual(listed, set(OPTIONS), cmd)
            accepted = set()
            for name, has_value in OPTIONS.items():
                args = [cmd, f"--{name}", *(["x"] if has_value else []), "/nonexistent/w"]
                _, _, err = run(*args, cwd=self.dir, timeout=20)
                if "does not apply here" not in err:
                    accepted.add(name)
            self.assertEqual(listed, accepted, cmd)

    def test_help_command(self):
        rc, out, err = run("help")
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("'hetflow help COMMAND'", out)
        rc, out, err = run("help", "frobnicate")
        self.assertEqual((rc, out), (2, ""))
        self.assertEqual(err, "hetflow help: unknown command 'frobnicate' "
                         "(try 'hetflow --help')\n")

    def test_missing_argument_is_named(self):
        for cmd, what in (("validate", "workflow FILE"), ("status", "WORKDIR"),
                          ("resume", "WORKDIR"), ("report", "TRACE")):
            rc, out, err = run(cmd)
            self.assertEqual((rc, out), (2, ""))
            self.assertEqual(err, f"hetflow {cmd}: missing {what} "
                             f"(try 'hetflow {cmd} --help')\n")

    def test_submit_passes_platform_flags_on(self):
        path = self.write("w.yaml", "sets:\n  a: {command: [true]}\n")
        rc, out, err = run("submit", path, "--nodes", "2", "--walltime", "600",
                           "--cores-per-node", "8", "--gpus-per-node", "0", "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertIn(" --cores-per-node 8 --gpus-per-node 0\n", out)

    def test_validate_reports(self):
        rc, out, err = run("validate", example("cdag2.yaml"))
        self.assertEqual(rc, 0)
        # 96 + 32 + 96 + 16 + 16 tasks; levels T0, T12, {T36, T45}, T7;
        # pipelines [T0 T12] [T36] [T45 T7].
        self.assertIn("5 sets, 256 tasks, 4 levels, 3 pipelines", out)
        self.assertEqual(err, "")

    def test_examples_are_valid(self):
        for name in ("cdag1", "cdag2", "ddmd-sequential", "ddmd-async", "fig1b"):
            rc, _, err = run("validate", example(f"{name}.yaml"))
            self.assertEqual(rc, 0, msg=err)

    def test_json_file_is_read_too(self):
        path = self.write("w.json", '{"platform": {"nodes": 1, "cores_per_node": 2},'
                          ' "sets": {"a": {"tasks": 4, "duration": 3}}}')
        rc, out, _ = run("simulate", path)
        self.assertEqual(rc, 0)
        self.assertIn("makespan     6.0 s", out)  # 4 tasks, 2 at a time, 3 s


if __name__ == "__main__":
    unittest.main()
