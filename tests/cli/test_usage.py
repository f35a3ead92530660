"""--help everywhere, validate's report, and the exit-status contract."""
import unittest

from clitest import CliTest, example, run


class Usage(CliTest):
    def test_help_on_every_subcommand(self):
        for cmd in ("validate", "analyze", "simulate", "compare", "run", "platform",
                    "report"):
            with self.subTest(cmd=cmd):
                rc, out, err = run(cmd, "--help")
                self.assertEqual(rc, 0)
                self.assertTrue(out.startswith(f"usage: hetflow {cmd} "))
                self.assertEqual(err, "")
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        for cmd in ("validate", "analyze", "simulate", "compare"):
            self.assertIn(cmd, out)
        rc, out, _ = run("--version")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("hetflow "))

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
