"""Every kind of bad input the core issue names gets exit status 2, nothing
on stdout, and one line on stderr that says where and what."""
import unittest

from clitest import CliTest, example, run

# (file text, the message after "FILE:")
BAD_FILES = [
    ("sets:\n  a: {tasks: 2}\nextra: 1\n",
     "3:1: unknown key 'extra' (known: name, platform, mode, policy, walltime, staging, sets, rules)"),
    # The whole list of keys, however long the file's path.
    ("sets:\n  a: {tasks: 2, walltime: 5}\n",
     "2:17: unknown key 'walltime' in set 'a' (known: tasks, cores, gpus, ranks, "
     "duration, command, env, after, pipeline, priority, retries, backoff, timeout, "
     "on_failure, result, start, service, uses, function, workers, args, inputs, "
     "outputs, stage)\n"),
    ("sets:\n  a: {cores: four}\n", "2:14: cores must be an integer, not 'four'"),
    ("sets:\n  a: {after: {x: 1}}\n", "2:15: unknown after key 'x' (known: set, map, fraction, count)"),
    ("sets:\n  a: {tasks: 0}\n", "2:14: tasks must be at least 1, not 0"),
    ("sets:\n  a: {tasks: -3}\n", "2:14: tasks must be at least 1, not -3"),
    ("sets:\n  a: {ranks: 0}\n", "2:14: ranks must be at least 1, not 0"),
    ("sets:\n  a: {}\n  b: {after: [a, T9]}\n",
     "3:18: set 'b' depends on unknown set 'T9'"),
    ("sets:\n  a: {after: [c]}\n  b: {after: [a]}\n  c: {after: [b]}\n",
     "3:15: dependency cycle: b -> c -> a -> b"),
    ("platform: {nodes: 2, cores_per_node: 8, gpus_per_node: 1}\n"
     "sets:\n  sim: {cores: 4, gpus: 2}\n",
     "3:3: set 'sim' asks 4 cores and 2 GPUs per rank, but a node has 8 cores "
     "and 1 GPUs"),
    ("platform: {nodes: 2, cores_per_node: 8}\nsets:\n  mpi: {ranks: 5, cores: 4}\n",
     "3:3: set 'mpi' asks 5 ranks of 4 cores and 0 GPUs, but the platform holds "
     "only 4 such ranks"),
    ("sets:\n  a: {}\n  b: {}\n  a: {tasks: 3}\n",
     "4:3: duplicate set name 'a' (first at line 2)"),
    ("sets:\n  a: {tasks: 3\n", "3:1: YAML: did not find expected ',' or '}'"),
]


# A misspelt key, value or set name: the nearest that is meant, wherever
# keys are checked (file text, the message after "FILE:").
MISSPELT = [
    ("sets:\n  a: {comand: [x]}\n",
     "2:7: unknown key 'comand' in set 'a' (did you mean 'command'?)"),
    ("sest:\n  a: {}\n", "1:1: unknown key 'sest' (did you mean 'sets'?)"),
    ("platform: {node: 2}\nsets: {a: {}}\n",
     "1:12: unknown platform key 'node' (did you mean 'nodes'?)"),
    ("platform: {bandwidth: {shraed: 1 GB/s}}\nsets: {a: {}}\n",
     "1:24: unknown bandwidth key 'shraed' (did you mean 'shared'?)"),
    ("staging: {concurency: 4}\nsets: {a: {}}\n",
     "1:11: unknown staging key 'concurency' (did you mean 'concurrency'?)"),
    ("sets:\n  a: {duration: {mena: 1}}\n",
     "2:18: unknown duration key 'mena' (did you mean 'mean'?)"),
    ("sets:\n  a: {result: {u: {strat: 1}}}\n",
     "2:20: unknown result key 'strat' (did you mean 'start'?)"),
    ("sets:\n  a: {function: {pyton: 'm:f'}}\n",
     "2:18: unknown function key 'pyton' (did you mean 'python'?)"),
    ("sets:\n  a: {function: {python: 'm:f'}, workers: {cont: 2}}\n",
     "2:44: unknown workers key 'cont' (did you mean 'count'?)"),
    ("sets:\n  a: {outputs: [{pth: x}]}\n",
     "2:18: unknown file key 'pth' (did you mean 'path'?)"),
    ("sets:\n  a: {stage: {in: cpy}}\n", "2:19: unknown stage in 'cpy' (did you mean 'copy'?)"),
    ("sets:\n  a: {stage: {to: node_local}}\n",
     "2:19: unknown stage to 'node_local' (did you mean 'node-local'?)"),
    ("sets:\n  a: {start: onrule}\n", "2:14: unknown start 'onrule' (did you mean 'on_rule'?)"),
    ("sets:\n  a: {}\n  b: {after: [{set: a, map: one_to_one}]}\n",
     "3:29: unknown map 'one_to_one' (did you mean 'one-to-one'?)"),
    ("mode: sequental\nsets: {a: {}}\n",
     "1:7: unknown mode 'sequental' (did you mean 'sequential'?)"),
    ("policy: critical_path\nsets: {a: {}}\n",
     "1:9: unknown policy 'critical_path' (did you mean 'critical-path'?)"),
    ("sets:\n  train: {}\n  b: {after: [trian]}\n",
     "3:15: set 'b' depends on unknown set 'trian' (did you mean 'train'?)"),
    ("sets:\n  server: {service: true}\n  b: {uses: servr}\n",
     "3:3: set 'b' uses 'servr', which is not a set (did you mean 'server'?)"),
    ("sets:\n  pool: {function: {python: 'm:f'}}\n"
     "  b: {function: {python: 'm:f'}, workers: pol}\n",
     "3:3: set 'b' has workers of an unknown set 'pol' (did you mean 'pool'?)"),
    # A pool's name is its workers' folder: no set may take it.
    ("sets:\n  a: {function: {python: 'm:f'}}\n  a.workers: {command: [true]}\n",
     "2:3: duplicate set name 'a.workers' (first at line 3)"),
    ("sets:\n  train: {}\nrules:\n  - when: {set: tarin}\n    do: [{start: train}]\n",
     "4:17: rule names unknown set 'tarin' (did you mean 'train'?)"),
    ("sets:\n  train: {}\nrules:\n  - when: {set: train}\n    do: [{cancle: train}]\n",
     "5:11: unknown action 'cancle' (did you mean 'cancel'?)"),
    ("sets:\n  train: {}\nrules:\n  - when: {set: train}\n    do: [{cancel: {set: train, fractoin: 0.5}}]\n",
     "5:32: unknown cancel key 'fractoin' (did you mean 'fraction'?)"),
    ("sets:\n  train: {}\nrules:\n  - wehn: {set: train}\n    do: [{start: train}]\n",
     "4:5: unknown rule key 'wehn' (did you mean 'when'?)"),
    # Nothing near: the whole list.
    ("sets:\n  a: {stage: {in: move}}\n",
     "2:19: unknown stage in 'move' (known: copy, link, none)\n"),
    ("mode: workflow\nsets: {a: {}}\n",
     "1:7: unknown mode 'workflow' (known: sequential, workload, task)\n"),
    ("sets:\n  ab: {}\n  b: {after: [zz]}\n", "3:15: set 'b' depends on unknown set 'zz'\n"),
]


class BadInput(CliTest):
    def check(self, args, message):
        rc, out, err = run(*args)
        self.assertEqual(rc, 2, msg=f"{args}: {err}")
        self.assertEqual(out, "")
        self.assertEqual(err.count("\n"), 1, msg=err)
        self.assertIn(message, err)

    def test_bad_files(self):
        for i, (text, message) in enumerate(BAD_FILES):
            path = self.write(f"bad{i}.yaml", text)
            for cmd in ("validate", "analyze", "simulate", "compare"):
                with self.subTest(case=i, cmd=cmd):
                    self.check([cmd, path], f"{path}:{message}")
            # --json changes nothing: still no stdout on error.
            self.check(["simulate", path, "--json"], f"{path}:{message}")

    def test_misspelt(self):
        for i, (text, message) in enumerate(MISSPELT):
            path = self.write(f"misspelt{i}.yaml", text)
            with self.subTest(case=i):
                self.check(["validate", path], f"{path}:{message}")

    def test_platform_flag_makes_it_unfit(self):
        # c-DAG2's T12 asks 40 cores: a 32-core node cannot hold it.
        self.check(["simulate", example("cdag2.yaml"), "--cores-per-node", "32"],
                   "set 'T12' asks 40 cores and 0 GPUs per rank, but a node has "
                   "32 cores and 6 GPUs")

    def test_missing_file(self):
        self.check(["validate", "/nonexistent.yaml"],
                   "/nonexistent.yaml: No such file or directory")

    def test_bad_usage(self):
        f = example("fig1b.yaml")
        self.check([], "hetflow: missing command")
        self.check(["frobnicate", f], "unknown command 'frobnicate'")
        self.check(["simulate"], "hetflow simulate: missing workflow FILE")
        self.check(["simulate", f, f], "unexpected argument")
        self.check(["simulate", f, "--bogus"], "unknown option '--bogus'")
        self.check(["simulate", f, "--mode"], "option '--mode' needs a value")
        self.check(["simulate", f, "--mode", "async"], "unknown mode 'async'")
        self.check(["simulate", f, "--policy", "random"], "unknown policy 'random'")
        self.check(["simulate", f, "--nodes", "0"],
                   "--nodes wants an integer from 1 to 1000000, not '0'")
        self.check(["simulate", f, "--nodes", "2x"], "not '2x'")
        self.check(["simulate", f, "--seed", "-1"], "--seed wants an integer")
        self.check(["analyze", f, "--mode", "task"],
                   "option '--mode' does not apply here")
        self.check(["compare", f, "--trace", "x.json"],
                   "option '--trace' does not apply here")
        self.check(["simulate", f, "--trace", "/nonexistent/t.json"],
                   "hetflow: --trace /nonexistent/t.json: cannot write in folder "
                   "'/nonexistent/': No such file or directory")


if __name__ == "__main__":
    unittest.main()
