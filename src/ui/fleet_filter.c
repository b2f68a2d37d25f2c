/* fleet_filter.c - the servers filter: a case-insensitive substring of the name, IP,
 * state or state label. Matches exactly like strcasestr (the locale's tolower, byte by
 * byte) but folds the needle once, and looks each distinct state up once per rebuild
 * instead of once per server. */
#include "ui/fleet_index.h"

#include <ctype.h>
#include <string.h>
#include "model/enums.h"

void sms_fleet_filter_init(sms_fleet_filter *m, const char *filter)
{
    memset(m, 0, sizeof *m);
    for (int c = 0; c < 256; c++)
        m->fold[c] = (unsigned char)tolower(c);
    for (size_t i = 0; filter && filter[i] && i < sizeof m->needle; i++)
        m->needle[m->len++] = m->fold[(unsigned char)filter[i]];
    if (filter && m->len == sizeof m->needle && filter[m->len])
        m->raw = filter;                /* longer than the table's filter: strcasestr */
}

static bool contains(const sms_fleet_filter *m, const char *hay)
{
    if (!hay)
        return false;
    if (m->raw)
        return strcasestr(hay, m->raw) != NULL;
    const unsigned char *h = (const unsigned char *)hay;
    for (; *h; h++) {
        if (m->fold[*h] != m->needle[0])
            continue;
        size_t i = 1;
        while (i < m->len && h[i] && m->fold[h[i]] == m->needle[i])
            i++;
        if (i == m->len)
            return true;
    }
    return false;
}

static bool state_matches(const sms_fleet_filter *m, const char *state)
{
    const sms_enum_info *st = sms_server_state_info(state);
    return contains(m, state) || (st && contains(m, st->label));
}

/* Distinct states are few: remember the answer for each (the state text is the key). */
static bool state_matches_memo(sms_fleet_filter *m, const char *state)
{
    if (!state)
        return false;
    for (size_t i = 0; i < m->n_memo; i++)
        if (strcmp(m->memo[i].state, state) == 0)
            return m->memo[i].hit;
    bool hit = state_matches(m, state);
    if (m->n_memo < sizeof m->memo / sizeof m->memo[0])
        m->memo[m->n_memo++] = (struct sms_state_memo){ state, hit };
    return hit;
}

bool sms_fleet_filter_matches(sms_fleet_filter *m, const sms_server *s)
{
    if (!m->len)
        return true;
    return contains(m, s->name) || contains(m, s->ip) || state_matches_memo(m, s->state);
}
