/* harness.h - run the real smsconsole in a pseudo-terminal, read its screen through
 * libvterm, type keys, wait for the screen instead of sleeping.
 *
 * The program writes one byte to SMSCONSOLE_FRAME_FD after every doupdate() (F when the
 * frame shows a table built from new fleet data, f otherwise); the
 * harness counts those "frames" and pumps the terminal output into libvterm until a
 * condition holds or a deadline passes. Nothing here asserts on time. */
#ifndef SMS_TUI_HARNESS_H
#define SMS_TUI_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <vterm.h>

#define TUI_DEADLINE_MS 30000          /* generous: sanitizer builds start slowly */

typedef struct tui tui;

/* Start argv (argv[0] relative to the build dir, e.g. "smsconsole") in a rows x cols
 * pty. env: extra "NAME=value" strings (NULL-terminated list, may be NULL); the child
 * always gets TERM=xterm-256color, LC_ALL=C.UTF-8, no LINES/COLUMNS, and private
 * XDG_CONFIG_HOME/XDG_STATE_HOME directories. */
tui *tui_start(int rows, int cols, const char *const argv[], const char *const env[]);
/* Type bytes as the operator would ("j", "\033[B", "\r"). */
void tui_type(tui *t, const char *keys);
/* Pump output until the screen contains text (anywhere); false at the deadline. */
bool tui_wait_text(tui *t, const char *text, int deadline_ms);
/* Pump until text has disappeared from the screen. */
bool tui_wait_gone(tui *t, const char *text, int deadline_ms);
/* Pump until n more frames were drawn. */
bool tui_wait_frames(tui *t, int n, int deadline_ms);
/* After input: pump until a frame was drawn and the pty stayed quiet briefly. */
void tui_settle(tui *t);
/* Row text (UTF-8, trailing blanks trimmed). */
const char *tui_row(tui *t, int row, char *buf, size_t len);
/* First position of text on screen; false when absent. */
bool tui_find(tui *t, const char *text, int *row, int *col);
bool tui_cell(tui *t, int row, int col, VTermScreenCell *cell);
void tui_resize(tui *t, int rows, int cols);
void tui_size(tui *t, int *rows, int *cols);
uint64_t tui_bytes(const tui *t);       /* bytes the program wrote to the terminal */
uint64_t tui_frames(const tui *t);
uint64_t tui_fleet_frames(const tui *t); /* frames that showed new fleet data (byte F) */
/* Raw output: a mark (offset) now, and whether bytes were written since a mark; for what
 * the screen model does not keep (OSC 52, bells). */
size_t tui_raw_mark(const tui *t);
bool tui_raw_contains(const tui *t, size_t since, const char *bytes);
/* Print the screen to stderr (for failing tests). */
void tui_dump(tui *t, const char *why);
/* Quit with `keys` (e.g. "q"), wait for the exit and free; returns the exit status
 * (128+N when killed by signal N, -1 on timeout). */
int tui_quit(tui *t, const char *keys);

#endif
