/*
 * util/output.h - writing a whole output file without ever destroying or
 * half-writing what its path names.
 *
 * A regular file (or a path that does not exist yet) is written to a
 * temporary file in the same folder and renamed over it on commit, so a
 * reader sees the old file or the new one, never a part; the old file's
 * permission bits are kept, a new file gets 0666 less the umask.  A
 * symbolic link is followed: its target is replaced and the link stays.
 * Anything that is not a regular file (a character device such as
 * /dev/null, a FIFO, a terminal, and every path under /dev/ or /proc/, so
 * /dev/stdout writes to standard output as it is) is written in place:
 * renaming over it would replace the device with a file.
 */
#ifndef FRM_UTIL_OUTPUT_H
#define FRM_UTIL_OUTPUT_H

#include <stdio.h>

#include "frm/error.h"

typedef struct frmi_output {
    FILE *f;                   /* where to write, between open and commit */
    char *path;                /* what is replaced: the link's target for a link; owned */
    char *tmp;                 /* the temporary renamed over path; NULL when in place */
    int slot;                  /* in the table of live temporaries; -1 when none */
} frmi_output;

/*
 * Opens `path` for writing as above.  FRM_E_IO names the path and the
 * reason (a folder, no permission, no space); nothing is created then.
 * On FRM_OK the caller writes to o->f and ends with exactly one of
 * frmi_output_commit or frmi_output_abort.
 */
frm_code frmi_output_open(frmi_output *o, const char *path, frm_error *err);

/*
 * Flushes, syncs and closes, then renames the temporary into place.  On
 * any failure (a full disk included) the temporary is removed, the old
 * file is left as it was, and FRM_E_IO names the path.  Releases `o`
 * either way.
 */
frm_code frmi_output_commit(frmi_output *o, frm_error *err);

/*
 * The two halves of frmi_output_commit, for outputs that must all be
 * written before any replaces its file (a model and its external data):
 * frmi_output_close flushes, syncs and closes, keeping the temporary (on
 * failure it removes it, releases `o` and returns FRM_E_IO); then
 * frmi_output_rename puts it in place and releases `o`, or
 * frmi_output_abort drops it.
 */
frm_code frmi_output_close(frmi_output *o, frm_error *err);
frm_code frmi_output_rename(frmi_output *o, frm_error *err);

/* Closes (if open) and removes the temporary; the old file stays.  Releases `o`. */
void frmi_output_abort(frmi_output *o);

/*
 * Opens `path` for appending records, creating it (0666 less the umask)
 * when missing.  When it is a regular file whose last byte is not a
 * newline (a copy cut short, a hand edit), a newline is written first, so
 * that the next record starts a line of its own instead of being glued
 * onto the last one.  `*out` is the caller's to fclose.
 */
frm_code frmi_output_append(const char *path, FILE **out, frm_error *err);

/*
 * Removes every temporary still open, for a signal handler about to end
 * the process: async-signal-safe (unlink only), and the outputs are then
 * unusable.
 */
void frmi_output_remove_temporaries(void);

#endif
