"""WfFormat in and out: every shared WfCommons instance imports and
simulates; what hetflow writes with --wfformat validates against the
WfFormat 1.5 schema (python3-jsonschema, installed for the tests) and reads
back to the same simulation; a real run replays an instance with stand-in
tasks that sleep each task's runtime."""
import glob
import json
import os
import unittest

import jsonschema  # Debian's python3-jsonschema (scripts/install-deps.sh)

from clitest import EXAMPLES, CliTest, run_json

# Copies of real WfCommons instances and the WfFormat 1.5 schema, with their
# sources and licences: tests/data/wfinstances/README.md.
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
INSTANCES = sorted(glob.glob(os.path.join(DATA, "wfinstances", "*.json")))
PLATFORM = ["--nodes", "2", "--cores-per-node", "48", "--gpus-per-node", "0"]


def schema():
    with open(os.path.join(DATA, "wfformat", "wfformat-schema-v1.5.json")) as f:
        return json.load(f)


class WfFormat(CliTest):
    def test_every_instance_round_trips(self):
        self.assertEqual(len(INSTANCES), 10)
        s = schema()
        for path in INSTANCES:
            with self.subTest(instance=os.path.basename(path)):
                out = os.path.join(self.dir, "out.json")
                first = run_json("simulate", path, *PLATFORM, "--wfformat", out)
                with open(out) as f:
                    exported = json.load(f)
                jsonschema.Draft7Validator(s).validate(exported)
                ex = exported["workflow"]["execution"]
                self.assertEqual(len(ex["tasks"]), first["tasks"])
                self.assertAlmostEqual(ex["makespanInSeconds"], first["makespan"], places=3)
                again = run_json("simulate", out, *PLATFORM)
                self.assertAlmostEqual(again["makespan"], first["makespan"], places=3)

    def test_function_sets_round_trip(self):
        # 20 calls of 1 s on 4 workers of 1 core (the whole node), then 2
        # tasks of 3 cores: the calls export as tasks of 1 core with their
        # runtimes, the workers not at all; the import simulates the same.
        path = self.write("fn.yaml", """
sets:
  score: {tasks: 20, duration: 1, function: {python: "m:f"}, workers: {count: 4}}
  big: {tasks: 2, cores: 3, duration: 2, after: [score]}
""")
        platform = ["--nodes", "1", "--cores-per-node", "4", "--gpus-per-node", "0"]
        out = os.path.join(self.dir, "out.json")
        first = run_json("simulate", path, *platform, "--wfformat", out)
        self.assertEqual(first["makespan"], 9)
        with open(out) as f:
            exported = json.load(f)
        jsonschema.Draft7Validator(schema()).validate(exported)
        tasks = {t["id"]: t for t in exported["workflow"]["execution"]["tasks"]}
        self.assertEqual(len(tasks), 22)
        self.assertEqual(len(exported["workflow"]["specification"]["tasks"]), 22)
        self.assertEqual({(t["runtimeInSeconds"], t["coreCount"]) for i, t in tasks.items()
                          if i.startswith("score_")}, {(1, 1)})
        self.assertNotIn("workers", json.dumps(exported["workflow"]))
        again = run_json("simulate", out, *platform)
        self.assertEqual(again["tasks"], 22)
        self.assertAlmostEqual(again["makespan"], first["makespan"], places=6)

    def test_files_and_sizes_kept(self):
        # blast-small in three versions of the format: the same bytes read
        # and written, from inputFiles/outputFiles sized in
        # specification.files (1.5) and from each task's files list (1.0, 1.4).
        seen = set()
        for v in ("v1.0__makeflow", "v1.4__makeflow", "v1.5__WfInstances"):
            path = [p for p in INSTANCES if os.path.basename(p).startswith(v) and
                    "blast" in p][0]
            data = run_json("analyze", path, *PLATFORM)["data"]
            self.assertGreater(data["read"], 2e11)
            self.assertGreater(data["written"], 1000)
            self.assertEqual(data["staged"], 0)
            seen.add((data["read"], data["written"]))
        self.assertEqual(len(seen), 1)

    def test_recorded_names_are_literal(self):
        # Names in a record are data: a task t{iter} and files a{index}.dat
        # and x{all}.dat keep their names through import, simulation and
        # export (x{all}.dat, which nothing writes, was an {all} input
        # without a writer, and t{iter} became t0; the export writes ids of
        # WfFormat's characters, t_iter_).
        spec = {"tasks": [
            {"name": "t", "id": "t{iter}", "children": ["u"], "outputFiles": ["a{index}.dat"]},
            {"name": "u", "id": "u", "parents": ["t{iter}"],
             "inputFiles": ["a{index}.dat", "x{all}.dat"]}],
            "files": [{"id": "a{index}.dat", "sizeInBytes": 10},
                      {"id": "x{all}.dat", "sizeInBytes": 20}]}
        execution = {"makespanInSeconds": 3, "executedAt": "x", "tasks": [
            {"id": "t{iter}", "runtimeInSeconds": 1}, {"id": "u", "runtimeInSeconds": 2}]}
        path = self.write("rec.json", json.dumps({
            "name": "rec", "schemaVersion": "1.5",
            "workflow": {"specification": spec, "execution": execution}}))
        out = run_json("analyze", path, *PLATFORM)
        self.assertEqual(sorted(out["sets"]), ["t{iter}", "u"])
        self.assertEqual(out["data"]["read"], 30)
        exported = os.path.join(self.dir, "out.json")
        first = run_json("simulate", path, *PLATFORM, "--wfformat", exported)
        self.assertAlmostEqual(first["makespan"], 3, places=6)
        with open(exported) as f:
            tasks = json.load(f)["workflow"]["specification"]["tasks"]
        self.assertEqual(sorted(t["id"] for t in tasks), ["t_iter_", "u"])
        again = run_json("simulate", exported, *PLATFORM)
        self.assertAlmostEqual(again["makespan"], 3, places=6)

    def test_group_by_category(self):
        path = os.path.join(DATA, "wfinstances",
                            "v1.5__WfInstances__montage-chameleon-2mass-005d-001.json")
        out = run_json("analyze", path, *PLATFORM, "--group-by", "category")
        self.assertEqual(sorted(out["sets"]), ["mAdd", "mBackground", "mBgModel", "mConcatFit",
                                               "mDiffFit", "mImgtbl", "mProject", "mViewer"])
        self.assertEqual(out["sets"]["mProject"]["waves"], 1)

    def test_real_replay_exports_valid(self):
        # blast-small for real: 43 stand-ins sleeping each task's runtime
        # (about 10 s of work on 48 virtual cores); the export validates and
        # its runtimes are those of real processes, near the recorded ones.
        path = os.path.join(DATA, "wfinstances",
                            "v1.5__WfInstances__blast-chameleon-small-001.json")
        out = os.path.join(self.dir, "ran.json")
        summary = run_json("run", path, "--nodes", "1", "--cores-per-node", "48",
                           "--workdir", os.path.join(self.dir, "w"), "--quiet",
                           "--wfformat", out)
        self.assertEqual(summary["tasks_done"], 43)
        with open(out) as f:
            exported = json.load(f)
        jsonschema.Draft7Validator(schema()).validate(exported)
        runtimes = {t["id"]: t["runtimeInSeconds"] for t in exported["workflow"]["execution"]["tasks"]}
        with open(path) as f:
            recorded = {t["id"]: t["runtimeInSeconds"]
                        for t in json.load(f)["workflow"]["execution"]["tasks"]}
        # A start is stamped when posix_spawn has returned, after the stand-in
        # began: on a loaded machine hetflow may read its clock some
        # milliseconds late (a replay measured 10.3 ms short under load).
        for tid, r in recorded.items():
            self.assertGreaterEqual(runtimes[tid], r - 0.05, tid)
            self.assertLess(runtimes[tid], r + 1.0, tid)


if __name__ == "__main__":
    unittest.main()
