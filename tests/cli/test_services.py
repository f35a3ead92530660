"""Service tasks for real: a service used by two sets is started first,
gives its address to its users through HETFLOW_SERVICE_<NAME>, and is
stopped (ending done) once the last of them ends, long before it would
have ended by itself."""
import json
import os
import subprocess
import time
import unittest

from clitest import CliTest, own_seconds, run, run_json


class Services(CliTest):
    def test_two_users_then_stopped(self):
        sleep = own_seconds(301)
        path = self.write("svc.yaml", """
platform: {nodes: 1, cores_per_node: 4, gpus_per_node: 0}
sets:
  model: {service: true, command: "sleep 0.2; echo 127.0.0.1:5$HETFLOW_TASK_INDEX > $HETFLOW_ENDPOINT; exec sleep %s"}
  a: {tasks: 2, uses: model, command: "echo $HETFLOW_SERVICE_MODEL > $HETFLOW_WORKDIR/a.$HETFLOW_TASK_INDEX; sleep 0.2"}
  b: {uses: [model], after: [a], command: "echo $HETFLOW_SERVICE_MODEL > $HETFLOW_WORKDIR/b.0"}
  after_model: {after: [model], command: [true]}
""" % sleep)
        workdir = os.path.join(self.dir, "w")
        t0 = time.monotonic()
        out = run_json("run", path, "--workdir", workdir, "--quiet")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (5, 0))
        sets = out["sets"]
        # Users start once the service has written its endpoint (0.2 s in),
        # and the service ends when b, its last user, has ended.
        self.assertGreaterEqual(sets["a"]["start"], 0.2)
        self.assertGreaterEqual(sets["model"]["end"], sets["b"]["end"])
        self.assertLess(sets["model"]["end"] - sets["b"]["end"], 3.5)
        self.assertGreaterEqual(sets["after_model"]["start"], sets["model"]["end"])
        for f in ("a.0", "a.1", "b.0"):
            with open(os.path.join(workdir, f)) as fh:
                self.assertEqual(fh.read().strip(), "127.0.0.1:50")
        p = subprocess.run(["pgrep", "-f", f"sleep {sleep}"], capture_output=True, text=True)
        self.assertEqual(p.stdout.strip(), "")

    def test_service_that_dies_first(self):
        # The service exits without writing its endpoint: its users never
        # start (canceled), the run says the service failed.
        path = self.write("dead.yaml", """
sets:
  model: {service: true, command: "exit 3"}
  a: {uses: model, command: [true]}
""")
        rc, out, err = run("run", path, "--workdir", os.path.join(self.dir, "w"), "--json")
        self.assertEqual(rc, 1)
        summary = json.loads(out)
        self.assertEqual((summary["tasks_failed"], summary["tasks_canceled"]), (1, 1))


if __name__ == "__main__":
    unittest.main()
