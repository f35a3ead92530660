/* hetflow validate: load and check a workflow file, saying what it holds. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

const cmd_entry_t cmd_validate_entry = {
    .name = "validate",
    .usage = "FILE [--nodes N] [--cores-per-node C] [--gpus-per-node G]\n"
             "       [--group-by task|category]",
    .summary = "check a workflow file and the platform it names",
    .help = "Loads FILE, checks every key, the dependencies (unknown sets, cycles)\n"
            "and that every task fits the platform (the file's, or this machine,\n"
            "with the flags overriding either).  Errors give file:line:col and exit 2.\n"
            "A line per pool of Python workers names the interpreter they run.\n",
    .exec = cmd_validate,
};

int cmd_validate(int argc, char **argv)
{
    cmd_opts_t opts;
    cmd_input_t in;
    bool done;
    int rc = cmd_parse(&cmd_validate_entry, OPT_PLATFORM | OPT_GROUP_BY, argc, argv,
                       &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if ((rc = cmd_load(&opts, false, &in)) != EXIT_OK)
        return rc;
    printf("%s: ok: workflow '%s', %d sets, %ld tasks, %d levels, %d pipelines\n",
           opts.file, hf_workflow_name(in.wf), hf_workflow_nsets(in.wf),
           hf_workflow_ntasks(in.wf), hf_dag_nlevels(in.dag), hf_dag_npipelines(in.dag));
    /* Which Python runs each pool's workers: the one on PATH may not be the
     * one with the function's packages. */
    for (int p = 0; p < hf_workflow_npools(in.wf); p++) {
        const hf_pool_t *pool = hf_workflow_pool(in.wf, p);
        char *program;
        if (!pool->function->python)
            continue;
        program = hf_function_program(pool->function);
        printf("%s: %s: Python %s\n", opts.file, pool->name,
               program ? program : "python3, not on PATH");
        free(program);
    }
    cmd_input_free(&in);
    return EXIT_OK;
}
