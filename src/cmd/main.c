/* hetflow: the command-line entry point, dispatching to one file per
 * subcommand from a table (as tmux's cmd_entry). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const cmd_entry_t *const commands[] = {
    &cmd_validate_entry, &cmd_analyze_entry,  &cmd_simulate_entry, &cmd_compare_entry,
    &cmd_run_entry,      &cmd_platform_entry, &cmd_report_entry,   &cmd_status_entry,
    &cmd_resume_entry,   &cmd_submit_entry,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fputs("usage: hetflow COMMAND [OPTIONS] FILE\n\n"
          "Asynchronous, adaptive execution of AI-coupled HPC workflows.\n\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\nexit status: 0 success, 1 a task failed, 2 bad input or usage\n"
          "'hetflow help COMMAND' or 'hetflow COMMAND --help' (-h) describes a "
          "command.\n",
          f);
}

static const cmd_entry_t *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i]->name) == 0)
            return commands[i];
    return NULL;
}

/* `hetflow help [COMMAND]`: the command's own --help. */
static int help(int argc, char **argv)
{
    const cmd_entry_t *cmd;

    if (argc < 3) {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc > 3) {
        fprintf(stderr, "hetflow help: unexpected argument '%s'\n", argv[3]);
        return EXIT_BAD_INPUT;
    }
    if (!(cmd = find(argv[2]))) {
        fprintf(stderr, "hetflow help: unknown command '%s' (try 'hetflow --help')\n",
                argv[2]);
        return EXIT_BAD_INPUT;
    }
    return cmd->exec(2, (char *[]){argv[2], "--help", NULL});
}

int main(int argc, char **argv)
{
    const cmd_entry_t *cmd;

    if (argc < 2) {
        fputs("hetflow: missing command (try 'hetflow --help')\n", stderr);
        return EXIT_BAD_INPUT;
    }
    if (strcmp(argv[1], "help") == 0)
        return help(argc, argv);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("hetflow %s\n", HETFLOW_VERSION);
        return EXIT_OK;
    }
    if ((cmd = find(argv[1])))
        return cmd->exec(argc - 1, argv + 1);
    fprintf(stderr, "hetflow: unknown command '%s' (try 'hetflow --help')\n", argv[1]);
    return EXIT_BAD_INPUT;
}
