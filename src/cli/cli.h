/*
 * cli/cli.h - what the subcommands of the frm tool share.
 *
 * Each subcommand lives in its own file as `int cmd_NAME(int argc, char
 * **argv)` with its help text in `NAME_usage`; main.c holds the table.
 * argv[0] is the subcommand's name.  The return value is the exit status.
 */
#ifndef FRM_CLI_H
#define FRM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "frm/frm.h"
#include "util/error.h"

enum {
    CLI_OK = 0,        /* success */
    CLI_FAILURE = 1,   /* the work failed: bad input, a missing baseline, I/O */
    CLI_USAGE = 2      /* the command line itself is wrong */
};

int cmd_info(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
extern const char info_usage[];
extern const char profile_usage[];
extern const char score_usage[];
extern const char zoo_usage[];

/* "frm: error: ..." / "frm: warning: ..." on stderr. */
void cli_error(const char *fmt, ...) FRMI_PRINTF(1, 2);
void cli_warning(const char *fmt, ...) FRMI_PRINTF(1, 2);

/* Reports a command-line mistake of `command` and returns CLI_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) FRMI_PRINTF(2, 3);

/*
 * Reports what getopt_long rejected (it returned '?' or ':', with opterr 0
 * and an option string starting with ':') and returns CLI_USAGE.
 */
int cli_bad_option(const char *command, int c, char **argv);

typedef enum cli_format {
    CLI_FORMAT_TABLE = 1,
    CLI_FORMAT_JSON = 2,
    CLI_FORMAT_CSV = 4
} cli_format;

/*
 * Parses a --format value among the `allowed` formats (a mask of
 * cli_format).  "text" is accepted as a synonym of "table".
 */
bool cli_parse_format(const char *arg, unsigned allowed, cli_format *out);

/* Writes one CSV field (RFC 4180 quoting when needed). */
void cli_csv_field(FILE *out, const char *s);

/*
 * Flushes and closes standard output and reports a write failure (a full
 * disk, a closed pipe): a result that was not fully written is a failure.
 * Returns `status` when all went well, CLI_FAILURE otherwise.
 */
int cli_finish(int status);

#endif
