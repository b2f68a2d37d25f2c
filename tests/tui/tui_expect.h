/* tui_expect.h - cmocka steps shared by the screen tests: wait for text or fail with
 * the screen dumped, and start the console and wait until it is ready. */
#ifndef SMS_TUI_EXPECT_H
#define SMS_TUI_EXPECT_H

#include "harness.h"

/* Wait for text on screen; fail the test (dumping the screen) at the deadline. */
void tui_expect_text(tui *t, const char *text);
/* tui_start, then tui_expect_text(ready); fails the test when either does not happen. */
tui *tui_start_ready(int rows, int cols, const char *const argv[], const char *const env[], const char *ready);
/* Run only the test named in CMOCKA_FILTER, when set (call before running the group). */
void tui_filter_tests_from_env(void);

#endif
