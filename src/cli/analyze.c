/*
 * cli/analyze.c - `frm analyze`: the paper's cross-platform analysis of a
 * set of benchmark records.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/analysis_args.h"
#include "report/report.h"

const char analyze_usage[] =
    "usage: frm analyze [options] FILE...\n"
    "\n"
    "Reads benchmark records (JSON Lines; '-' is standard input), scores every\n"
    "configuration against the baseline, and runs the FRM paper's analysis\n"
    "(docs/analysis.md defines every figure):\n"
    "\n"
    "  stability      rho of each ranking between every pair of configurations,\n"
    "                 FRM vs latency (Mann-Whitney)                     paper 4.1\n"
    "  variability    each model's CV across configurations, FRM vs latency\n"
    "                 (Wilcoxon)                                        paper 4.1\n"
    "  frameworks     rho between configurations of one device          paper 4.2\n"
    "  transfer       rho between tiers (gpu, cpu, edge), and the share of model\n"
    "                 pairs kept in order                               paper 4.3\n"
    "  flops          rho between FRM and MACs per configuration        paper 4.4\n"
    "  disagreements  models ranked 2+ places apart by FRM and by MACs  paper 4.5\n"
    "  interactions   latency ratios by tier, per model (Mann-Whitney or\n"
    "                 Kruskal-Wallis, Bonferroni)                       paper 4.6\n"
    "  baselines      the headline figures under other baselines        paper 6.3\n"
    "\n"
    "Two configurations are compared on the models both have; Spearman's rho,\n"
    "Mann-Whitney, Wilcoxon and Kruskal-Wallis follow scipy.stats.\n"
    "\n"
    "Options:\n"
    CLI_ANALYSIS_OPTIONS_HELP
    "  -s, --section LIST      only these sections (comma-separated; default all)\n"
    "      --baselines LIST    baselines for the baselines section (default\n"
    "                          resnet50,mobilenetv2_100,efficientnet_b0)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Examples:\n"
    "  frm analyze results/*.jsonl\n"
    "  frm analyze --format json --section stability,transfer results.jsonl\n"
    "  frm import timm bench.csv | frm analyze -\n"
    "\n"
    "A configuration without a usable baseline is left out and named in the\n"
    "report. A figure that cannot be computed is null in JSON, and the text\n"
    "says why. Nothing is written unless the whole report is.\n";

enum { OPT_BASELINES = CLI_OPT_FIRST_OWN };

static int parse_sections(const char *arg, cli_analysis_args *a)
{
    const char *const *names;
    size_t n;
    int rc = cli_split_list("analyze", "--section", arg, a, &names, &n);
    if (rc != CLI_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        unsigned bit = frmi_section_parse(names[i]);
        if (!bit)
            return cli_usage_error("analyze",
                                   "unknown section '%s' (use stability, variability, "
                                   "frameworks, transfer, flops, disagreements, interactions "
                                   "or baselines)", names[i]);
        a->opts.sections |= bit;
    }
    return CLI_OK;
}

static int parse_args(int argc, char **argv, cli_analysis_args *a)
{
    static const struct option options[] = {
        CLI_ANALYSIS_LONG_OPTIONS,
        {"section", required_argument, NULL, 's'},
        {"baselines", required_argument, NULL, OPT_BASELINES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":" CLI_ANALYSIS_SHORT_OPTIONS "s:h", options, NULL)) !=
           -1) {
        int rc = cli_analysis_option("analyze", c, optarg, a);
        if (rc != CLI_NOT_MINE) {
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        switch (c) {
        case 's':
            if ((rc = parse_sections(optarg, a)) != CLI_OK)
                return rc;
            break;
        case OPT_BASELINES:
            if ((rc = cli_split_list("analyze", "--baselines", optarg, a, &a->opts.baselines,
                                     &a->opts.n_baselines)) != CLI_OK)
                return rc;
            break;
        case 'h':
            fputs(analyze_usage, stdout);
            return -1;
        default:
            return cli_bad_option("analyze", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("analyze", "no input files (give '-' to read standard input)");
    return CLI_OK;
}

int cmd_analyze(int argc, char **argv)
{
    cli_analysis_args a;
    cli_analysis_args_init(&a);
    int status = parse_args(argc, argv, &a);
    if (status != CLI_OK) {
        cli_analysis_args_release(&a);
        return status < 0 ? cli_finish(CLI_OK) : status;
    }
    frm_dataset *ds = cli_analysis_load(argv + optind, (size_t)(argc - optind), &a);
    frmi_analysis *an = NULL;
    frm_error err;
    status = CLI_FAILURE;
    if (ds && frmi_analysis_run(ds, &a.opts, &an, &err) != FRM_OK)
        cli_error("%s", err.message);
    if (an) {
        cli_report_absent(an->table->absent, an->table->n_absent, a.verbose);
        if (an->table->n_skipped)
            cli_warning("%zu configuration%s left out (no usable baseline '%s'); the report "
                        "names them", an->table->n_skipped,
                        an->table->n_skipped == 1 ? "" : "s", an->baseline);
        frmi_buf out;
        frmi_buf_init(&out);
        if (a.format == CLI_FORMAT_JSON)
            frmi_report_analysis_json(an, &out);
        else
            frmi_report_analysis_text(an, &out);
        status = cli_write_report(&out);
        frmi_buf_release(&out);
    }
    frmi_analysis_free(an);
    frm_dataset_free(ds);
    cli_analysis_args_release(&a);
    return cli_finish(status);
}
