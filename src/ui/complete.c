/* complete.c - `:` command-line completion, derived from the action table.
 * Kept apart from prompt.c (no curses, no poller) so that it can be unit-tested alone. */
#include "ui/app.h"
#include "ui/agents_order.h"

#include <stdio.h>
#include <string.h>

bool sms_app_action_visible(const sms_app *a, sms_action_id act)
{
    if (act < 0 || act >= SMS_A__COUNT)
        return false;
    return !(a && a->readonly && sms_actions[act].mutating);
}

/* Append "prefix + word" to out when word starts with partial. */
static void add_candidate(char out[][64], size_t max, size_t *n, const char *prefix,
                          const char *word, const char *partial)
{
    if (*n >= max || strncmp(word, partial, strlen(partial)) != 0)
        return;
    for (size_t i = 0; i < *n; i++) {
        char line[64];
        snprintf(line, sizeof line, "%s%s", prefix, word);
        if (strcmp(out[i], line) == 0)
            return;
    }
    snprintf(out[(*n)++], 64, "%s%s", prefix, word);
}

static size_t complete_command(const sms_app *a, const char *partial, char out[][64], size_t max)
{
    size_t n = 0;
    for (int i = 0; i < SMS_A__COUNT; i++)
        if (sms_app_action_visible(a, (sms_action_id)i))
            add_candidate(out, max, &n, "", sms_actions[i].name, partial);
    return n;
}

static size_t complete_argument(const sms_app *a, const char *cmd, const char *partial,
                                char out[][64], size_t max)
{
    char prefix[64];
    size_t n = 0;
    snprintf(prefix, sizeof prefix, "%s ", cmd);
    if (strcmp(cmd, "sort") == 0 && a && a->view == SMS_VIEW_AGENTS) {    /* its own columns */
        for (int c = 0; c < SMS_AC__COUNT; c++)
            add_candidate(out, max, &n, prefix, sms_agent_col_names[c], partial);
    } else if (strcmp(cmd, "sort") == 0) {
        for (int c = 0; c < SMS_COL__COUNT; c++)
            add_candidate(out, max, &n, prefix, sms_cols[c].name, partial);
    } else if (strcmp(cmd, "theme") == 0) {
        char names[32][64];
        size_t k = sms_theme_list(names, 32);
        add_candidate(out, max, &n, prefix, "default", partial);
        for (size_t i = 0; i < k; i++)
            add_candidate(out, max, &n, prefix, names[i], partial);
    } else if (strcmp(cmd, "context") == 0) {
        const sms_config *cf = a && a->o ? a->o->config : NULL;
        for (size_t i = 0; cf && i < cf->n_contexts; i++)
            add_candidate(out, max, &n, prefix, cf->contexts[i].name, partial);
    } else if (strcmp(cmd, "help") == 0) {
        for (int i = 0; i < SMS_A__COUNT; i++)
            if (sms_app_action_visible(a, (sms_action_id)i))
                add_candidate(out, max, &n, prefix, sms_actions[i].name, partial);
    }
    return n;
}

size_t sms_prompt_complete(const sms_app *a, const char *line, char out[][64], size_t max)
{
    while (*line == ' ')
        line++;
    const char *space = strchr(line, ' ');
    if (!space)
        return complete_command(a, line, out, max);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "%.*s", (int)(space - line), line);
    while (*space == ' ')
        space++;
    if (strchr(space, ' '))
        return 0;                       /* only the first argument is completed */
    return complete_argument(a, cmd, space, out, max);
}
