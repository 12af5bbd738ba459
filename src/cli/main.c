/*
 * cli/main.c - the frm tool: global options and the table of subcommands.
 */
#include <string.h>

#include "cli/cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *summary;
} command;

/* Sorted by name; `frm help` lists them in this order. */
static const command commands[] = {
    {"analyze", cmd_analyze, analyze_usage, "the paper's cross-platform analysis of benchmark records"},
    {"bench", cmd_bench, bench_usage, "measure ONNX models on this machine, one record per model"},
    {"import", cmd_import, import_usage, "turn timm, AI Hub, ncnn, TFLite and ONNX Runtime results or any CSV into records"},
    {"info", cmd_info, info_usage, "show frm, ONNX Runtime and host information"},
    {"predict", cmd_predict, predict_usage, "predict latency and rank on a new device from a few models measured there"},
    {"profile", cmd_profile, profile_usage, "count MACs, FLOPs, parameters and activations of ONNX models"},
    {"run", cmd_run, run_usage, "run the study here: zoo, benchmarks under 3 configurations, FRM table"},
    {"score", cmd_score, score_usage, "compute FRM per configuration from benchmark records"},
    {"select", cmd_select, select_usage, "pick a model for a target device from a reference's measurements"},
    {"zoo", cmd_zoo, zoo_usage, "write the paper's 13 architectures as ONNX models"},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_overview(FILE *out)
{
    fputs("usage: frm [--version] [--help] COMMAND [ARGS]\n"
          "\n"
          "frm measures neural networks on this machine, counts their FLOPs, and\n"
          "ranks them by FRM, the geometric mean of FLOPs, latency and memory, each\n"
          "relative to a baseline model measured on the same device.\n"
          "\n"
          "Commands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "'frm help COMMAND' or 'frm COMMAND --help' explains one command.\n"
          "Exit status: 0 success, 1 failure, 2 command-line error.\n", out);
}

static int help(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stdout);
        return cli_finish(CLI_OK);
    }
    const command *cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "frm: no help for '%s': not a frm command. See 'frm --help'.\n", argv[1]);
        return CLI_USAGE;
    }
    fputs(cmd->usage, stdout);
    return cli_finish(CLI_OK);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0)
        return help(argc - 1, argv + 1);
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("frm %s\n", frm_version());
        return cli_finish(CLI_OK);
    }
    const command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "frm: '%s' is not a frm command. See 'frm --help'.\n", name);
        return CLI_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
