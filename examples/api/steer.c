/* A steered loop through hetflow's C API: simulations -> training ->
 * inference, where inference picks the parameter of the next round of
 * simulations, until training's loss is small enough.
 *
 * The workflow starts with one round; an on_task_end callback watches the
 * round's inference task, reads the parameter it proposes from its result,
 * and submits the next round's three sets with that parameter.  Each task is
 * a real process on this machine (a line of awk standing in for MD, training
 * and inference) that writes a JSON result to $HETFLOW_RESULT.
 *
 *   steer WORKDIR [TARGET]      (TARGET: the parameter the loop should find)
 *
 * Prints one line per round, and the last parameter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hetflow/hetflow.h>

#define SIMS 4
#define MAX_ROUNDS 10
#define GOOD_LOSS 0.01

typedef struct {
    double target;
    double param[MAX_ROUNDS + 1]; /* per round */
    int rounds;                   /* submitted, the first included */
    int infer_set;                /* the latest round's inference set */
    int train_set;
    bool done;
} loop_t;

/* "sh -c SCRIPT" with PARAM and TARGET in its environment. */
static hf_set_t *new_set(const char *name, int round, long tasks, const char *script,
                         const loop_t *loop)
{
    char full[64], param[64], target[64];
    hf_set_t *set;

    snprintf(full, sizeof(full), "%s-%d", name, round);
    if (!(set = hf_set_create(full)))
        return NULL;
    set->tasks = tasks;
    set->shell = strdup(script);
    snprintf(param, sizeof(param), "PARAM=%.6f", loop->param[round]);
    snprintf(target, sizeof(target), "TARGET=%.6f", loop->target);
    set->env = calloc(3, sizeof(char *));
    if (!set->shell || !set->env || !(set->env[0] = strdup(param)) ||
        !(set->env[1] = strdup(target))) {
        hf_set_destroy(set);
        return NULL;
    }
    return set;
}

/* An MD stand-in: an energy that is lowest at the target. */
static const char sim_script[] =
    "awk -v p=\"$PARAM\" -v t=\"$TARGET\" -v i=\"$HETFLOW_TASK_INDEX\" "
    "'BEGIN { printf \"{\\\"energy\\\": %f}\\n\", (p - t) ^ 2 + i / 100 }' > "
    "\"$HETFLOW_RESULT\"";
/* Training: its loss is how far the parameter is from the target. */
static const char train_script[] =
    "awk -v p=\"$PARAM\" -v t=\"$TARGET\" "
    "'BEGIN { printf \"{\\\"loss\\\": %f}\\n\", (p - t) ^ 2 }' > \"$HETFLOW_RESULT\"";
/* Inference proposes a parameter closer to the target. */
static const char infer_script[] = "awk -v p=\"$PARAM\" -v t=\"$TARGET\" "
                                   "'BEGIN { printf \"{\\\"next\\\": %f}\\n\", p + 0.6 * "
                                   "(t - p) }' > \"$HETFLOW_RESULT\"";

/* Submit round `round`: SIMS simulations, then training, then inference. */
static int submit_round(hf_engine_t *e, hf_workflow_t *wf, loop_t *loop, int round)
{
    hf_error_t err = {{0}};
    char sim[64], train[64];
    hf_set_t *s = new_set("sim", round, SIMS, sim_script, loop);
    hf_set_t *t = new_set("train", round, 1, train_script, loop);
    hf_set_t *i = new_set("infer", round, 1, infer_script, loop);

    snprintf(sim, sizeof(sim), "sim-%d", round);
    snprintf(train, sizeof(train), "train-%d", round);
    if (!s || !t || !i ||
        !hf_workflow_add_dep(wf, t, sim, HF_MAP_ALL, (hf_mark_t){0, 0}) ||
        !hf_workflow_add_dep(wf, i, train, HF_MAP_ALL, (hf_mark_t){0, 0}))
        goto error;
    if (hf_engine_submit_set(e, s, &err) < 0) {
        s = NULL; /* still ours: freed below */
        goto error;
    }
    s = NULL;
    if ((loop->train_set = hf_engine_submit_set(e, t, &err)) < 0)
        goto error;
    t = NULL;
    if ((loop->infer_set = hf_engine_submit_set(e, i, &err)) < 0)
        goto error;
    loop->rounds = round + 1;
    return 0;
error:
    fprintf(stderr, "steer: round %d: %s\n", round,
            err.text[0] ? err.text : "out of memory");
    hf_set_destroy(s);
    hf_set_destroy(t);
    hf_set_destroy(i);
    return -1;
}

static double result_of(const hf_engine_t *e, int set, const char *key)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    const json_t *r = hf_engine_result(e, hf_workflow_first_task(wf, set));

    return r ? json_number_value(json_object_get(r, key)) : -1;
}

/* The steering: when a round's inference ends, look at training's loss and
 * either stop or start the next round with the proposed parameter. */
static void on_task_end(hf_engine_t *e, uint32_t task, hf_task_state_t state, double now,
                        void *arg)
{
    loop_t *loop = arg;
    hf_task_info_t info;
    int round = loop->rounds - 1;
    double loss;

    hf_engine_task(e, task, &info);
    if (info.set != loop->infer_set || loop->done)
        return;
    if (state != HF_TASK_DONE) {
        loop->done = true;
        return;
    }
    loss = result_of(e, loop->train_set, "loss");
    printf("round %d: param %.4f loss %.6f at %.2f s\n", round, loop->param[round], loss,
           now);
    if (loss < GOOD_LOSS || loop->rounds == MAX_ROUNDS) {
        loop->done = true;
        return;
    }
    loop->param[round + 1] = result_of(e, loop->infer_set, "next");
    if (submit_round(e, hf_engine_workflow_mut(e), loop, round + 1) < 0)
        hf_engine_stop(e, HF_STOP_FAILURE);
}

int main(int argc, char **argv)
{
    hf_workflow_t *wf = hf_workflow_create("steer", NULL);
    hf_machine_t machine;
    hf_platform_t platform;
    hf_executor_t local = {0};
    hf_engine_t *e = NULL;
    hf_dag_t *dag = NULL;
    hf_error_t err = {{0}};
    loop_t loop = {.target = argc > 2 ? atof(argv[2]) : 3.0, .param = {0}};
    hf_set_t *seed;
    int rc = 1;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: steer WORKDIR [TARGET]\n");
        return 2;
    }
    if (hf_machine_detect(&machine, &err) < 0) {
        fprintf(stderr, "steer: %s\n", err.text);
        return 1;
    }
    platform = (hf_platform_t){
        .nodes = 1, .cores_per_node = machine.ncores, .gpus_per_node = machine.ngpus};
    /* A workflow has at least one set: a trivial one; the rounds come
     * through the API, the first before the run, the others from the
     * callback. */
    seed = hf_workflow_add_set(wf, "start", (hf_mark_t){0, 0}, &err);
    if (!seed || !(seed->argv = calloc(2, sizeof(char *))) ||
        !(seed->argv[0] = strdup("true")) || hf_workflow_finish(wf, &err) < 0 ||
        !(dag = hf_dag_create(wf, &err)) ||
        hf_exec_local_create(wf, &machine, &platform, argv[1], &local, &err) < 0 ||
        !(e = hf_engine_create(wf, dag,
                               &(hf_engine_config_t){.mode = HF_MODE_TASK,
                                                     .policy = HF_POLICY_FIFO,
                                                     .platform = platform,
                                                     .walltime = 0},
                               &local, &err)))
        goto done;
    if (submit_round(e, wf, &loop, 0) < 0 ||
        hf_engine_on_task_end(e, on_task_end, &loop) < 0 || hf_engine_run(e, &err) < 0)
        goto done;
    printf("rounds %d, final param %.4f, tasks done %ld of %u\n", loop.rounds,
           loop.param[loop.rounds - 1], hf_engine_count(e, HF_TASK_DONE),
           hf_engine_ntasks(e));
    rc = hf_engine_count(e, HF_TASK_DONE) == (long)hf_engine_ntasks(e) ? 0 : 1;
done:
    if (rc && err.text[0])
        fprintf(stderr, "steer: %s\n", err.text);
    hf_engine_destroy(e);
    hf_executor_destroy(&local);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
    hf_machine_free(&machine);
    return rc;
}
