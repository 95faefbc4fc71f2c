/* SPDX-License-Identifier: GPL-2.0 */
/* scxprof's subcommands; each is defined in its own cmd_*.c file. */
#ifndef SCX_PROFILER_COMMANDS_H
#define SCX_PROFILER_COMMANDS_H

#include "common/cli.h"

extern const struct cli_command cmd_record;	/* profiler/cmd_record.c */
extern const struct cli_command cmd_process;	/* profiler/cmd_process.c */
extern const struct cli_command cmd_extract;	/* extract/cmd_extract.c */
extern const struct cli_command cmd_extract_mem;	/* extract/cmd_mem.c */
extern const struct cli_command cmd_extract_sched_util;	/* extract/cmd_sched_util.c */
extern const struct cli_command cmd_extract_sched;	/* extract/cmd_sched_util.c (hidden alias) */
extern const struct cli_command cmd_doctor;	/* profiler/cmd_doctor.c */

#endif
